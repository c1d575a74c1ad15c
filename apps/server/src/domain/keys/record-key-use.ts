import type { ApiKeyRow } from '../../db/schema.js';
import type { DomainContext } from '../context.js';

/** A key's lastUsed is written at most this often: a key that pulses every second costs one write a minute. */
export const KEY_USE_WRITE_EVERY_MS = 60_000;

const TOUCH_KEY = `update api_keys set last_used_at = $2::timestamptz
  where id = $1 and (last_used_at is null or last_used_at < $2::timestamptz - interval '1 minute')`;

/**
 * Answers a function that notes a key's use as its lastUsed, at most once a minute per key:
 * this process remembers when it last wrote each key, and the statement skips a row another
 * process wrote within the minute. It never rejects: a failed write goes to `onError`.
 */
export function createKeyUseRecorder(
  { db, clock }: DomainContext,
  { onError }: { onError: (error: unknown, key: ApiKeyRow) => void },
): (key: ApiKeyRow) => Promise<void> {
  const written = new Map<string, number>();
  return async (key) => {
    const now = clock.now();
    const last = written.get(key.id) ?? key.lastUsedAt?.getTime();
    if (last !== undefined && now.getTime() - last < KEY_USE_WRITE_EVERY_MS) return;
    written.set(key.id, now.getTime());
    try {
      await db.query(TOUCH_KEY, [key.id, now.toISOString()]);
    } catch (error) {
      // Tried again at the key's next use.
      written.delete(key.id);
      onError(error, key);
    }
  };
}
