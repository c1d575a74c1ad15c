import type { ErrorCode, ErrorResponse } from '@watchtower/protocol';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isDatabaseUnavailable, isDatabaseUnreachable, WriteTimeoutError } from '../db/errors.js';
import type { OutageTracker } from '../db/outage.js';
import { DomainError } from '../domain/errors.js';
import { GroupCommitFullError } from '../lib/group-commit.js';
import type { AppEnv } from './app-env.js';

export const STATUS_OF = {
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_REQUESTS: 429,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_ERROR: 500,
  PROVIDER_FAILED: 502,
} as const satisfies Record<ErrorCode, ContentfulStatusCode>;

/** Seconds a client should wait before it retries a request answered 503. */
export const RETRY_AFTER_S = 2;

/**
 * The protocol's error answer. A 503 or a 429 says when to retry (`retryAfterS`, or
 * RETRY_AFTER_S); a 401 names the scheme that authenticates.
 */
export function errorAnswer(c: Context<AppEnv>, code: ErrorCode, hint: string, retryAfterS = RETRY_AFTER_S): Response {
  const status = STATUS_OF[code];
  if (status === 503 || status === 429) c.header('retry-after', String(Math.max(1, Math.ceil(retryAfterS))));
  if (status === 401) c.header('www-authenticate', 'Bearer realm="watchtower"');
  const body: ErrorResponse = { result: status, hint, code, requestId: c.get('requestId') ?? '' };
  return c.json(body, status);
}

/**
 * The one place where a thrown error becomes the protocol's error answer. A database that
 * cannot serve us (down, read-only, full) is a 503 the client may retry, and opens an
 * outage for which services get grace.
 */
export function createErrorHandler({ outage, now }: { outage: OutageTracker; now: () => Date }) {
  return (error: Error, c: Context<AppEnv>): Response => {
    if (error instanceof DomainError) {
      return errorAnswer(c, error.code, error.message);
    }
    if (error instanceof GroupCommitFullError) {
      c.get('log')?.warn({ err: error }, 'write queue full');
      return errorAnswer(c, 'SERVICE_UNAVAILABLE', 'the server has too many writes waiting; nothing was stored, try again shortly');
    }
    if (isDatabaseUnavailable(error)) {
      // A client that hung up mid-body fails the body's read with ECONNRESET too (in the
      // body limit, before any route): its request, not the database, is at fault.
      if (c.req.raw.signal.aborted && !(error instanceof WriteTimeoutError)) {
        c.get('log')?.info({ err: error }, 'request.aborted');
        return errorAnswer(c, 'VALIDATION_FAILED', 'the request ended before it was complete; nothing was stored');
      }
      if (isDatabaseUnreachable(error)) {
        // Dated when the refused write arrived: a pulse lost then may need grace.
        const waitedMs = error instanceof WriteTimeoutError ? error.waitedMs : 0;
        outage.noteUnavailable(new Date(now().getTime() - waitedMs));
      }
      c.get('log')?.error({ err: error }, 'database unavailable');
      const why = error instanceof WriteTimeoutError ? 'did not answer in time' : 'is unavailable';
      return errorAnswer(c, 'SERVICE_UNAVAILABLE', `the database ${why}; nothing was stored, try again`);
    }
    c.get('log')?.error({ err: error }, 'request failed');
    return errorAnswer(c, 'INTERNAL_ERROR', 'the server failed to handle the request; nothing was stored');
  };
}
