import { heartbeatRows } from '../../db/rows.js';
import type { HeartbeatRow } from '../../db/schema.js';
import { changes, type Changes } from '../changes.js';
import type { DomainContext } from '../context.js';
import { DomainError } from '../errors.js';
import { toHeartbeat } from '../views.js';
import { serviceNotFound } from './configure-service.js';

/** When a snooze asked for `until` (a date) or `for` (seconds from now) ends; it must be ahead. */
export function snoozeEnd({ clock }: DomainContext, span: { until?: number | undefined; for?: number | undefined }): Date {
  const now = clock.now();
  const end = span.for !== undefined ? new Date(now.getTime() + span.for * 1000) : new Date(span.until! * 1000);
  if (end <= now) throw new DomainError('VALIDATION_FAILED', `until must be in the future; received ${end.toISOString()}`);
  return end;
}

/** The sweeper looks again when the snooze ends: held deaths go out then. */
function snoozed(rows: HeartbeatRow[], now: Date, wakeAt: Date): Changes {
  return changes({ feed: rows.map((row) => ({ type: 'heartbeat' as const, heartBeat: toHeartbeat(row, now) })), deadlines: [wakeAt] });
}

/**
 * No alert for a service until `until`: no death, late notice or reminder is sent
 * meanwhile. A death during the snooze is told when it ends, if the service is still dead.
 */
export async function snoozeService(
  context: DomainContext,
  { service, until }: { service: string; until: Date | null },
): Promise<{ heartbeat: HeartbeatRow; changes: Changes }> {
  const [record] = await context.db.query(
    `update heartbeats set snoozed_until = $2 where service = $1 returning ${heartbeatRows.columns()}`,
    [service, until?.toISOString() ?? null],
  );
  if (!record) throw serviceNotFound(service);
  const now = context.clock.now();
  const heartbeat = heartbeatRows.read(record);
  return { heartbeat, changes: snoozed([heartbeat], now, until ?? now) };
}

/** Snoozes every service of a tag, or every service when no tag is given; answers their names. */
export async function snoozeMany(
  context: DomainContext,
  { tag, until }: { tag?: string | undefined; until: Date },
): Promise<{ services: string[]; changes: Changes }> {
  const records = await context.db.query(
    `update heartbeats set snoozed_until = $2 where $1::text is null or $1 = any(tags) returning ${heartbeatRows.columns()}`,
    [tag ?? null, until.toISOString()],
  );
  const rows = records.map(heartbeatRows.read).sort((a, b) => (a.service < b.service ? -1 : 1));
  return { services: rows.map((row) => row.service), changes: snoozed(rows, context.clock.now(), until) };
}
