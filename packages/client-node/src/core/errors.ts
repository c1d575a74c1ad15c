import type { ErrorCode } from '@watchtower/protocol';

/**
 * Why a call failed: the `code` of the server's error answer, or one of the client's own:
 * `NETWORK_ERROR` (no answer), `TIMEOUT` (no answer in `timeoutMs`), `BAD_RESPONSE` (an
 * answer that is not watchtower's).
 */
export type WatchtowerErrorCode = ErrorCode | 'NETWORK_ERROR' | 'TIMEOUT' | 'BAD_RESPONSE';

export interface WatchtowerErrorDetails {
  code: WatchtowerErrorCode;
  hint: string;
  method: string;
  path: string;
  status?: number | undefined;
  requestId?: string | undefined;
  cause?: unknown;
}

/** A call that failed: the server refused it (4xx), failed (5xx), or could not be reached. */
export class WatchtowerError extends Error {
  override readonly name = 'WatchtowerError';
  /** The HTTP status, or `undefined` when no answer came. */
  readonly status: number | undefined;
  readonly code: WatchtowerErrorCode;
  /** What went wrong, in the server's words when it answered: which field, what it expected. */
  readonly hint: string;
  /** The server's id of the request, to find its log line. */
  readonly requestId: string | undefined;
  readonly method: string;
  readonly path: string;
  /** How many times the call was tried before giving up. */
  attempts = 1;

  constructor(details: WatchtowerErrorDetails) {
    const what = details.status === undefined ? details.code : `${details.status} ${details.code}`;
    super(`${details.method} ${details.path}: ${what}: ${details.hint}`, { cause: details.cause });
    this.status = details.status;
    this.code = details.code;
    this.hint = details.hint;
    this.requestId = details.requestId;
    this.method = details.method;
    this.path = details.path;
  }

  /** Network errors, timeouts and 5xx may pass if tried again; a 4xx will not. */
  get retryable(): boolean {
    return this.status === undefined ? this.code !== 'BAD_RESPONSE' : this.status >= 500;
  }
}
