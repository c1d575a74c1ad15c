import { heartbeatRows, readInstant, selectInstant } from '../../db/rows.js';
import type { HeartbeatRow } from '../../db/schema.js';
import { changes, type Changes } from '../changes.js';
import { inTransaction, type DomainContext } from '../context.js';
import { flipBetween, recordFlips } from '../history/record-flips.js';
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

// Sets the snooze of the rows `where` picks, answering each row with its snooze before.
const SET_SNOOZE = (where: string) => `
with old as (select service, snoozed_until from heartbeats where ${where} order by service for update)
update heartbeats h set snoozed_until = $2 from old where h.service = old.service
returning ${heartbeatRows.columns('h')}, ${selectInstant('old.snoozed_until', 'was_snoozed_until')}`;

/** Sets the snooze of the services `where` picks, and keeps the change in their history. */
async function setSnooze(context: DomainContext, where: string, [key, until]: [string | null, Date | null]): Promise<HeartbeatRow[]> {
  return inTransaction(context, async (tx) => {
    const now = tx.clock.now();
    const records = await tx.db.query(SET_SNOOZE(where), [key, until?.toISOString() ?? null]);
    const rows = records.map((record) => ({ row: heartbeatRows.read(record), was: readInstant(record.was_snoozed_until) }));
    const cause = until ? ('snoozed' as const) : ('unsnoozed' as const);
    await recordFlips(
      tx,
      rows.flatMap(({ row, was }) => flipBetween({ ...row, snoozedUntil: was }, row, { cause, at: now })),
    );
    return rows.map(({ row }) => row).sort((a, b) => (a.service < b.service ? -1 : 1));
  });
}

/**
 * No alert for a service until `until`: no death, late notice or reminder is sent
 * meanwhile. A death during the snooze is told when it ends, if the service is still dead.
 */
export async function snoozeService(
  context: DomainContext,
  { service, until }: { service: string; until: Date | null },
): Promise<{ heartbeat: HeartbeatRow; changes: Changes }> {
  const [heartbeat] = await setSnooze(context, 'service = $1', [service, until]);
  if (!heartbeat) throw serviceNotFound(service);
  const now = context.clock.now();
  return { heartbeat, changes: snoozed([heartbeat], now, until ?? now) };
}

/** Snoozes every service of a tag, or every service when no tag is given; answers their names. */
export async function snoozeMany(
  context: DomainContext,
  { tag, until }: { tag?: string | undefined; until: Date },
): Promise<{ services: string[]; changes: Changes }> {
  const rows = await setSnooze(context, '$1::text is null or $1 = any(tags)', [tag ?? null, until]);
  return { services: rows.map((row) => row.service), changes: snoozed(rows, context.clock.now(), until) };
}
