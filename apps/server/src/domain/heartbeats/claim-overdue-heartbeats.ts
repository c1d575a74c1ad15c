import { formatDuration, formatIsoTime, LEVELS } from '@watchtower/protocol';
import { planByKey } from '../../db/keyed-plans.js';
import { heartbeatRows } from '../../db/rows.js';
import { changes, type Changes } from '../changes.js';
import { inTransaction, type DomainContext } from '../context.js';
import { recordServerEvents } from '../events/insert-events.js';
import { recordedStatus, recordFlips } from '../history/record-flips.js';
import { enqueueAlerts } from '../outbox/enqueue-alerts.js';
import type { HeartbeatRow } from '../../db/schema.js';
import { unixSeconds } from '../views.js';

// SKIP LOCKED: several processes sweep at once, each claims different rows, and the
// `not alerted` guard under the row lock makes each death claimed exactly once. `= any(array(…))`
// updates the claimed rows by key: `in (…)` let the planner scan every service to join them.
const CLAIM_OVERDUE = `
update heartbeats h set alerted = true, died_at = $1, reminders = 0
where h.service = any(array(
  select service from heartbeats
  -- The predicate of heartbeats_watched_expected_idx, word for word.
  where expected_at < $1 and not alerted and not cancelled and not paused and signalled
  order by expected_at
  limit $2
  for update skip locked
))
returning ${heartbeatRows.columns('h')}`;

// A run past its maxRuntime keeps no end: it times out, and a late end still closes it.
const TIME_OUT_RUNS = `
update runs set outcome = 'timeout'
where service = any($1::text[]) and ended_at is null and outcome = 'running'`;

/** A claimed service whose open run outlived its maxRuntime, rather than one that fell silent. */
const hung = (row: HeartbeatRow): row is HeartbeatRow & { runStartedAt: Date; maxRuntime: number } =>
  row.runStartedAt !== null && row.maxRuntime !== null && row.expectedAt.getTime() >= row.runStartedAt.getTime() + row.maxRuntime * 1000;

export function deathDetails(row: HeartbeatRow): Record<string, unknown> {
  const details = { last: unixSeconds(row.lastAt), expected: unixSeconds(row.expectedAt), nextIn: row.nextIn, message: row.message };
  return hung(row) ? { ...details, runStarted: unixSeconds(row.runStartedAt), maxRuntime: row.maxRuntime } : details;
}

function deathMessage(row: HeartbeatRow, now: Date): string {
  if (hung(row)) return describeHungRun(row.service, row.runStartedAt, now, row.maxRuntime);
  return `Service ${row.service} has not pulsed since ${formatIsoTime(row.lastAt)} (it was expected by ${formatIsoTime(row.expectedAt)}).`;
}

// Of the services just claimed, those that depend on a service that is dead (or died in
// this very claim): their alerts wait for it to recover.
const HELD_BY_PARENT = `
select c.service, array_agg(distinct p.service) as parents from heartbeats c
join heartbeats p on p.service = any(c.depends_on)
where c.service = any($1::text[]) and p.alerted and not p.cancelled and not p.paused
group by c.service`;

/** Why a claimed death is not alerted now: its snooze, or a parent that is down. */
export async function heldDeaths(context: DomainContext, overdue: HeartbeatRow[], now: Date) {
  const snoozed = new Set(overdue.filter((row) => row.snoozedUntil && row.snoozedUntil > now).map((row) => row.service));
  const withParents = overdue.filter((row) => !snoozed.has(row.service) && row.dependsOn.length > 0).map((row) => row.service);
  const byParent = new Map<string, string[]>();
  if (withParents.length > 0) {
    for (const { service, parents } of await context.db.query<{ service: string; parents: string[] }>(HELD_BY_PARENT, [withParents])) {
      byParent.set(service, parents);
    }
  }
  const hold = async (services: string[], why: 'snooze' | 'parent') => {
    if (services.length > 0)
      await context.db.query('update heartbeats set alert_held = $2 where service = any($1::text[])', [services, why]);
  };
  await hold([...snoozed], 'snooze');
  await hold([...byParent.keys()], 'parent');
  return { snoozed, byParent };
}

/** One note per parent that holds the deaths of services depending on it. */
function heldByParentNotes(byParent: Map<string, string[]>): Array<{ service: string; level: number; message: string }> {
  const children = new Map<string, string[]>();
  for (const [child, parents] of byParent) for (const parent of parents) children.set(parent, [...(children.get(parent) ?? []), child]);
  return [...children].map(([parent, held]) => ({
    service: parent,
    level: LEVELS.warning,
    message: `${held.length} service(s) that depend on ${parent} died while it is down: ${held.sort().join(', ')}. Their alerts wait for ${parent} to recover, and go out then for those still down.`,
  }));
}

/**
 * Marks services past their deadline as dead and, in the same transaction, records an
 * error event for each and queues its "down" alert, unless a snooze or a dead parent holds
 * the alert back (it goes out when the snooze ends or the parent recovers, if still dead).
 * Answers the services it claimed, and how late each claim was.
 */
export async function claimOverdueHeartbeats(
  context: DomainContext,
  { limit = 500 }: { limit?: number } = {},
): Promise<{ services: string[]; lateBy: number[]; changes: Changes }> {
  const now = context.clock.now();
  return inTransaction(context, async (tx) => {
    await planByKey(tx.db);
    const overdue = (await tx.db.query(CLAIM_OVERDUE, [now.toISOString(), limit])).map(heartbeatRows.read);
    if (overdue.length === 0) return { services: [], lateBy: [], changes: changes() };
    const { snoozed, byParent } = await heldDeaths(tx, overdue, now);
    const alerted = overdue.filter((row) => !snoozed.has(row.service) && !byParent.has(row.service));
    await enqueueAlerts(tx, {
      alerts: alerted.map((row) => ({
        kind: 'down' as const,
        service: row.service,
        channel: row.alertType,
        target: row.alertTarget,
        channels: row.channels,
        details: deathDetails(row),
      })),
      at: now,
    });
    const timedOut = overdue.filter(hung).map((row) => row.service);
    if (timedOut.length > 0) await tx.db.query(TIME_OUT_RUNS, [timedOut]);
    const deaths = overdue.map((row) => ({ service: row.service, level: LEVELS.error, message: deathMessage(row, now) }));
    const events = await recordServerEvents(tx, { events: [...deaths, ...heldByParentNotes(byParent)], at: now });
    // The history: alive, late or started to dead, as the claim saw it (a snooze goes on saying snoozed).
    await recordFlips(
      tx,
      overdue.map((row) => ({
        service: row.service,
        at: now,
        from: recordedStatus({ ...row, alerted: false }, now),
        to: recordedStatus(row, now),
        cause: hung(row) ? ('timeout' as const) : ('deadline' as const),
      })),
    );
    return {
      services: overdue.map((row) => row.service),
      // Seconds past each deadline when the claim saw it.
      lateBy: overdue.map((row) => (now.getTime() - row.expectedAt.getTime()) / 1000),
      changes: changes({
        feed: [
          ...overdue.map((row) => ({ type: 'heartbeat.dead' as const, service: row.service })),
          ...events.map((event) => ({ type: 'event' as const, event })),
        ],
        alertsQueued: alerted.length > 0,
        log: overdue.map((row) => ({
          level: 'info' as const,
          fields: {
            service: row.service,
            ...(snoozed.has(row.service) && { held: 'snooze' }),
            ...(byParent.has(row.service) && { held: 'parent' }),
          },
          message: 'heartbeat.dead',
        })),
      }),
    };
  });
}

/** How a run past its maxRuntime reads: "started at 02:00, still running at 03:00". */
export function describeHungRun(service: string, startedAt: Date, now: Date, maxRuntime: number): string {
  return `Service ${service} started at ${formatIsoTime(startedAt)} and was still running at ${formatIsoTime(now)}, past its maxRuntime of ${formatDuration(maxRuntime)}.`;
}
