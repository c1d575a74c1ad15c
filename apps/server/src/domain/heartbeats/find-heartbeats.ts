import { asc, eq } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { heartbeats, type HeartbeatRow } from '../../db/schema.js';

export async function listHeartbeats(db: Database): Promise<HeartbeatRow[]> {
  return db.select().from(heartbeats).orderBy(asc(heartbeats.service));
}

export async function findHeartbeat(db: Database, service: string): Promise<HeartbeatRow | null> {
  const [row] = await db.select().from(heartbeats).where(eq(heartbeats.service, service)).limit(1);
  return row ?? null;
}
