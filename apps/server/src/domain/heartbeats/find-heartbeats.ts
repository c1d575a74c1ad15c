import { heartbeatRows } from '../../db/rows.js';
import type { HeartbeatRow } from '../../db/schema.js';
import type { DomainContext } from '../context.js';

export async function listHeartbeats({ db }: DomainContext): Promise<HeartbeatRow[]> {
  const records = await db.query(`select ${heartbeatRows.columns()} from heartbeats order by service`, []);
  return records.map(heartbeatRows.read);
}

export async function findHeartbeat({ db }: DomainContext, { service }: { service: string }): Promise<HeartbeatRow | null> {
  const [record] = await db.query(`select ${heartbeatRows.columns()} from heartbeats where service = $1`, [service]);
  return record ? heartbeatRows.read(record) : null;
}

/** The service a ping URL's token names, or null. */
export async function findServiceByPingToken({ db }: DomainContext, { token }: { token: string }): Promise<string | null> {
  // Tokens are 43 URL-safe characters: anything else is not one, and costs no query.
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return null;
  const [record] = await db.query<{ service: string }>('select service from heartbeats where ping_token = $1', [token]);
  return record?.service ?? null;
}
