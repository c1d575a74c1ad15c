import { createHash, randomBytes } from 'node:crypto';

/** Every key's secret starts so: it tells a key from a password at a glance, and in a leaked file. */
export const KEY_SECRET_PREFIX = 'wt_';

/** A new key's id: `key_` and 12 hex characters. Not a secret: it names the key in lists and logs. */
export function newKeyId(): string {
  return `key_${randomBytes(6).toString('hex')}`;
}

/** A new key's secret: the prefix and 32 random bytes, base64url. */
export function newKeySecret(): string {
  return KEY_SECRET_PREFIX + randomBytes(32).toString('base64url');
}

/** What is stored of a secret: its SHA-256, hex. 256 random bits need no slow hash. */
export function hashKeySecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
