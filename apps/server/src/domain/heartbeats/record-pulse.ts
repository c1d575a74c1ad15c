import type { PulseRequest } from '@watchtower/protocol';
import type { Database } from '../../db/client.js';
import { heartbeats, type HeartbeatRow } from '../../db/schema.js';

/**
 * Records a pulse: the service is alive until `received + nextIn`. A pulse re-arms a
 * cancelled or alerted service. One statement, so the answer follows its commit.
 */
export async function recordPulse(db: Database, pulse: PulseRequest, received: Date): Promise<HeartbeatRow> {
  const expectedAt = new Date(received.getTime() + pulse.nextIn * 1000);
  const values = {
    alertType: pulse.alertType,
    alertTarget: pulse.alertTarget,
    nextIn: pulse.nextIn,
    lastAt: received,
    expectedAt,
    alerted: false,
    cancelled: false,
  };
  const [row] = await db
    .insert(heartbeats)
    .values({ service: pulse.service, ...values })
    .onConflictDoUpdate({ target: heartbeats.service, set: values })
    .returning();
  if (!row) throw new Error('the pulse upsert returned no row');
  return row;
}
