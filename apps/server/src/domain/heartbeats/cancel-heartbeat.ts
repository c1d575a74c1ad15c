import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { heartbeats, type HeartbeatRow } from '../../db/schema.js';

/** Marks a service as no longer required; null when it is unknown. A later pulse re-arms it. */
export async function cancelHeartbeat(db: Database, service: string): Promise<HeartbeatRow | null> {
  const [row] = await db.update(heartbeats).set({ cancelled: true }).where(eq(heartbeats.service, service)).returning();
  return row ?? null;
}
