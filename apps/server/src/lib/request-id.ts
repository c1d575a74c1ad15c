import { randomBytes } from 'node:crypto';

/** A short random id that names one request in logs and in its error answer. */
export function newRequestId(): string {
  return randomBytes(9).toString('base64url');
}
