import { apiKeyRows } from '../../db/rows.js';
import type { ApiKeyRow } from '../../db/schema.js';
import { changes, type Changes } from '../changes.js';
import type { DomainContext } from '../context.js';
import { DomainError } from '../errors.js';

/** Revokes a key: its row goes, so its next request is refused. An unknown id is NOT_FOUND. */
export async function deleteKey({ db }: DomainContext, { id }: { id: string }): Promise<{ key: ApiKeyRow; changes: Changes }> {
  const unknown = () => new DomainError('NOT_FOUND', `no key with id ${JSON.stringify(id.slice(0, 100))}; GET /keys lists them`);
  // Ids are `key_` and hex: anything else names no key, and never reaches the database (a NUL would fail there).
  if (!/^key_[0-9a-f]{1,64}$/.test(id)) throw unknown();
  const [record] = await db.query(`delete from api_keys where id = $1 returning ${apiKeyRows.columns()}`, [id]);
  if (!record) throw unknown();
  const key = apiKeyRows.read(record);
  const line = { level: 'info' as const, fields: { key_id: key.id, name: key.name, scope: key.scope }, message: 'key.revoked' };
  return { key, changes: changes({ log: [line] }) };
}
