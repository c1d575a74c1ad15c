import type { KeyScope } from '@watchtower/protocol';
import { apiKeyRows } from '../../db/rows.js';
import type { ApiKeyRow } from '../../db/schema.js';
import { changes, type Changes } from '../changes.js';
import type { DomainContext } from '../context.js';
import { hashKeySecret, newKeyId, newKeySecret } from './key-secret.js';

/**
 * Creates an API key. The secret is answered here once; only its hash is stored, so it
 * cannot be shown again.
 */
export async function createKey(
  { db, clock }: DomainContext,
  { name, scope }: { name: string; scope: KeyScope },
): Promise<{ key: ApiKeyRow; secret: string; changes: Changes }> {
  const secret = newKeySecret();
  const [record] = await db.query(
    `insert into api_keys (id, name, scope, secret_hash, created_at) values ($1, $2, $3, $4, $5::timestamptz)
     returning ${apiKeyRows.columns()}`,
    [newKeyId(), name, scope, hashKeySecret(secret), clock.now().toISOString()],
  );
  const key = apiKeyRows.read(record!);
  const line = { level: 'info' as const, fields: { key_id: key.id, name, scope }, message: 'key.created' };
  return { key, secret, changes: changes({ log: [line] }) };
}
