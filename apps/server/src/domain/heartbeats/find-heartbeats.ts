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
