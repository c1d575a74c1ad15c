import { randomBytes } from 'node:crypto';

const ID_BYTES = 9;
// Random bytes are drawn for many ids at once: a draw per request cost more than the id.
const IDS_PER_DRAW = 512;
let pool = Buffer.alloc(0);
let offset = 0;

/** A short random id that names one request in logs and in its error answer. */
export function newRequestId(): string {
  if (offset >= pool.length) {
    pool = randomBytes(ID_BYTES * IDS_PER_DRAW);
    offset = 0;
  }
  offset += ID_BYTES;
  return pool.toString('base64url', offset - ID_BYTES, offset);
}
