import { apiKeyRows } from '../../db/rows.js';
import type { ApiKeyRow } from '../../db/schema.js';
import type { DomainContext } from '../context.js';
import { hashKeySecret, KEY_SECRET_PREFIX } from './key-secret.js';

/** Every key, newest first. */
export async function listKeys({ db }: DomainContext): Promise<ApiKeyRow[]> {
  const records = await db.query(`select ${apiKeyRows.columns()} from api_keys order by api_keys.created_at desc, api_keys.id desc`, []);
  return records.map(apiKeyRows.read);
}

/** The key whose secret this is, or null. The lookup is by the secret's hash: the secret never reaches the database. */
export async function findKeyBySecret({ db }: DomainContext, { secret }: { secret: string }): Promise<ApiKeyRow | null> {
  // No key secret looks otherwise: a wrong password costs no query.
  if (!secret.startsWith(KEY_SECRET_PREFIX)) return null;
  const [record] = await db.query(`select ${apiKeyRows.columns()} from api_keys where secret_hash = $1`, [hashKeySecret(secret)]);
  return record ? apiKeyRows.read(record) : null;
}
