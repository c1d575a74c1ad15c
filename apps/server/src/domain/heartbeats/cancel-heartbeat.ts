import { heartbeatRows } from '../../db/rows.js';
import type { HeartbeatRow } from '../../db/schema.js';
import { changes, type Changes } from '../changes.js';
import type { DomainContext } from '../context.js';
import { toHeartbeat } from '../views.js';

/** Marks a service as no longer required; null when it is unknown. A later pulse re-arms it. */
export async function cancelHeartbeat(
  { db, clock }: DomainContext,
  { service }: { service: string },
): Promise<{ heartbeat: HeartbeatRow | null; changes: Changes }> {
  const [record] = await db.query(`update heartbeats set cancelled = true where service = $1 returning ${heartbeatRows.columns()}`, [
    service,
  ]);
  if (!record) return { heartbeat: null, changes: changes() };
  const heartbeat = heartbeatRows.read(record);
  return { heartbeat, changes: changes({ feed: [{ type: 'heartbeat', heartBeat: toHeartbeat(heartbeat, clock.now()) }] }) };
}
