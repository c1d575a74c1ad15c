import type { ErrorCode, ErrorResponse } from '@watchtower/protocol';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isDatabaseUnavailable } from '../db/errors.js';
import { DomainError } from '../domain/errors.js';
import { GroupCommitFullError } from '../lib/group-commit.js';
import type { AppEnv } from './env.js';

export const STATUS_OF = {
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_ERROR: 500,
} as const satisfies Record<ErrorCode, ContentfulStatusCode>;

export function errorAnswer(c: Context<AppEnv>, code: ErrorCode, hint: string): Response {
  const status = STATUS_OF[code];
  const body: ErrorResponse = { result: status, hint, code, requestId: c.get('requestId') ?? '' };
  return c.json(body, status);
}

/** The one place where a thrown error becomes the protocol's error answer. */
export function handleError(error: Error, c: Context<AppEnv>): Response {
  if (error instanceof DomainError) {
    return errorAnswer(c, error.code, error.message);
  }
  if (error instanceof GroupCommitFullError) {
    c.get('log')?.warn({ err: error }, 'write queue full');
    return errorAnswer(c, 'SERVICE_UNAVAILABLE', 'the server has too many writes waiting; nothing was stored, try again shortly');
  }
  if (isDatabaseUnavailable(error)) {
    // A client that hung up mid-body fails the read with ECONNRESET too: not the database's fault.
    if (c.req.raw.signal.aborted) {
      c.get('log')?.info({ err: error }, 'request.aborted');
      return errorAnswer(c, 'VALIDATION_FAILED', 'the request ended before it was complete; nothing was stored');
    }
    c.get('log')?.error({ err: error }, 'database unavailable');
    return errorAnswer(c, 'SERVICE_UNAVAILABLE', 'the database is unavailable; nothing was stored, try again');
  }
  c.get('log')?.error({ err: error }, 'request failed');
  return errorAnswer(c, 'INTERNAL_ERROR', 'the server failed to handle the request; nothing was stored');
}
