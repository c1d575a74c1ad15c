import { heartbeatRows } from '../../db/rows.js';
import type { HeartbeatRow } from '../../db/schema.js';
import { changes, type Changes } from '../changes.js';
import { inTransaction, type DomainContext } from '../context.js';
import { flipBetween, recordFlips } from '../history/record-flips.js';
import { toHeartbeat } from '../views.js';
import { lockService } from './configure-service.js';

/** Marks a service as no longer required; null when it is unknown. A later pulse re-arms it. */
export async function cancelHeartbeat(
  context: DomainContext,
  { service }: { service: string },
): Promise<{ heartbeat: HeartbeatRow | null; changes: Changes }> {
  return inTransaction(context, async (tx) => {
    const existing = await lockService(tx, service);
    if (!existing) return { heartbeat: null, changes: changes() };
    const [record] = await tx.db.query(`update heartbeats set cancelled = true where service = $1 returning ${heartbeatRows.columns()}`, [
      service,
    ]);
    const heartbeat = heartbeatRows.read(record!);
    const now = tx.clock.now();
    await recordFlips(tx, flipBetween(existing, heartbeat, { cause: 'cancelled', at: now }));
    return { heartbeat, changes: changes({ feed: [{ type: 'heartbeat', heartBeat: toHeartbeat(heartbeat, now) }] }) };
  });
}
