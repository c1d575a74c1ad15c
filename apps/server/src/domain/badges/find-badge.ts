import { heartbeatRows } from '../../db/rows.js';
import type { DomainContext } from '../context.js';
import { findHeartbeat } from '../heartbeats/find-heartbeats.js';
import { heartbeatStatus } from '../views.js';
import { serviceBadge, tagBadge, type Badge } from './badge-look.js';

/** A service's badge, its status computed now; null for an unknown service. */
export async function findServiceBadge(context: DomainContext, { service }: { service: string }): Promise<Badge | null> {
  const row = await findHeartbeat(context, { service });
  return row && serviceBadge(row.service, heartbeatStatus(row, context.clock.now()));
}

/** The badge of every service of a tag; null when no service has it. */
export async function findTagBadge({ db, clock }: DomainContext, { tag }: { tag: string }): Promise<Badge | null> {
  const records = await db.query(`select ${heartbeatRows.columns()} from heartbeats where $1 = any(tags)`, [tag]);
  if (records.length === 0) return null;
  const now = clock.now();
  return tagBadge(
    tag,
    records.map((record) => heartbeatStatus(heartbeatRows.read(record), now)),
  );
}
