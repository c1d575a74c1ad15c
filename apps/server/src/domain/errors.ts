import type { ErrorCode } from '@watchtower/protocol';

/** A failure the caller can act on; the HTTP layer maps its code to a status. */
export class DomainError extends Error {
  override name = 'DomainError';

  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}
