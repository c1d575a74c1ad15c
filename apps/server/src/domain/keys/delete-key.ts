import { apiKeyRows } from '../../db/rows.js';
import type { ApiKeyRow } from '../../db/schema.js';
import { changes, type Changes } from '../changes.js';
import type { DomainContext } from '../context.js';
import { DomainError } from '../errors.js';

/** Revokes a key: its row goes, so its next request is refused. An unknown id is NOT_FOUND. */
export async function deleteKey({ db }: DomainContext, { id }: { id: string }): Promise<{ key: ApiKeyRow; changes: Changes }> {
  const [record] = await db.query(`delete from api_keys where id = $1 returning ${apiKeyRows.columns()}`, [id]);
  if (!record) throw new DomainError('NOT_FOUND', `no key with id ${JSON.stringify(id)}; GET /keys lists them`);
  const key = apiKeyRows.read(record);
  const line = { level: 'info' as const, fields: { key_id: key.id, name: key.name, scope: key.scope }, message: 'key.revoked' };
  return { key, changes: changes({ log: [line] }) };
}
