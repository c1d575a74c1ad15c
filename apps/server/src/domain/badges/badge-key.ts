import { randomBytes } from 'node:crypto';
import type { DomainContext } from '../context.js';

const SETTING = 'badge_key';
const SELECT_KEY = 'select value from server_settings where name = $1';

/**
 * The server's badge key: 32 random bytes, base64url, made by the first process that asks
 * and stored, so that every process on one database shows the same badge URLs. Read-only:
 * it shows statuses and nothing else, so a badge can sit in a public README.
 */
export async function readBadgeKey({ db }: DomainContext): Promise<string> {
  const [stored] = await db.query<{ value: string }>(SELECT_KEY, [SETTING]);
  if (stored) return stored.value;
  // Processes that race here each offer a key: the first insert wins, and all read it back.
  await db.query('insert into server_settings (name, value) values ($1, $2) on conflict (name) do nothing', [
    SETTING,
    randomBytes(32).toString('base64url'),
  ]);
  const [made] = await db.query<{ value: string }>(SELECT_KEY, [SETTING]);
  if (!made) throw new Error('the badge key was stored but cannot be read back');
  return made.value;
}
