import { planByKey } from '../../db/keyed-plans.js';
import { heartbeatRows, readInstant, selectInstant } from '../../db/rows.js';
import type { HeartbeatRow } from '../../db/schema.js';
import { changes, mergeChanges, type Changes } from '../changes.js';
import { inTransaction, type DomainContext } from '../context.js';
import { enqueueAlerts, type NewAlert } from '../outbox/enqueue-alerts.js';
import { toHeartbeat, unixSeconds } from '../views.js';
import { flipBetween, recordedStatus, recordFlips } from '../history/record-flips.js';
import { deathDetails } from './claim-overdue-heartbeats.js';

// What the sweeper watches besides deadlines. Each claim takes its rows under SKIP LOCKED
// and changes the condition that selected them, so every notice goes out once; it updates
// them by key (`= any(array(…))`), never by a join the planner may make a scan of every service.

// A service is watched, and not snoozed at `$1`.
const WATCHED_AWAKE = `not cancelled and not paused and signalled and (snoozed_until is null or snoozed_until <= $1)`;

// "Running late": warnBefore before the deadline, once per deadline; past it, the death speaks.
const LATE_DUE = `warn_before is not null and not alerted and ${WATCHED_AWAKE}
  and late_noticed_for is distinct from expected_at
  and expected_at - warn_before * interval '1 second' <= $1 and expected_at >= $1`;

const CLAIM_LATE = `
update heartbeats h set late_noticed_for = h.expected_at
where h.service = any(array(select service from heartbeats where ${LATE_DUE} order by expected_at limit $2 for update skip locked))
returning ${heartbeatRows.columns('h')}`;

// While dead, every remindEvery after the death; missed ones (the server was down) are skipped.
const REMINDER_DUE = `alerted and remind_every is not null and alert_held is null and died_at is not null and ${WATCHED_AWAKE}
  and died_at + remind_every * (reminders + 1) * interval '1 second' <= $1`;

const CLAIM_REMINDERS = `
update heartbeats h set reminders = floor(extract(epoch from $1::timestamptz - h.died_at) / h.remind_every)::int
where h.service = any(array(select service from heartbeats where ${REMINDER_DUE} order by died_at limit $2 for update skip locked))
returning ${heartbeatRows.columns('h')}`;

// A death held back: by a snooze that has ended, or by parents none of which is dead now.
const RELEASE_DUE = `alerted and not cancelled and not paused and (
  (alert_held = 'snooze' and (snoozed_until is null or snoozed_until <= $1))
  or (alert_held = 'parent' and not exists (
    select 1 from heartbeats p where p.service = any(heartbeats.depends_on) and p.alerted and not p.cancelled and not p.paused)))`;

// Reminders follow the death's own rhythm from the release on, not one for each interval held.
const RELEASE_HELD = `
update heartbeats h set alert_held = null,
  reminders = case when h.remind_every is null or h.died_at is null then 0
    else floor(extract(epoch from $1::timestamptz - h.died_at) / h.remind_every)::int end
where h.service = any(array(select service from heartbeats where ${RELEASE_DUE} order by died_at limit $2 for update skip locked))
returning ${heartbeatRows.columns('h')}`;

// Snoozes whose time is up: cleared, and the history says when each ended.
const END_SNOOZES = `
update heartbeats h set snoozed_until = null
from (select service, snoozed_until from heartbeats where snoozed_until <= $1 order by snoozed_until limit $2 for update skip locked) s
where h.service = s.service
returning ${heartbeatRows.columns('h')}, ${selectInstant('s.snoozed_until', 'ended_at')}`;

// Each due time is pushed past a snooze (greatest() skips nulls): a notice a snooze holds
// back is due when it ends, and never before, or the sweeper would spin on it.
const NEXT_WAKE = `
select ${selectInstant(
  `least(
    (select min(expected_at) from heartbeats where not alerted and not cancelled and not paused and signalled),
    (select min(greatest(expected_at - warn_before * interval '1 second', snoozed_until)) from heartbeats
      where warn_before is not null and not alerted and not cancelled and not paused and signalled
        and late_noticed_for is distinct from expected_at),
    (select min(greatest(died_at + remind_every * (reminders + 1) * interval '1 second', snoozed_until)) from heartbeats
      where alerted and remind_every is not null and alert_held is null and died_at is not null and not cancelled and not paused),
    (select min(coalesce(snoozed_until, died_at)) from heartbeats where alert_held = 'snooze' and not cancelled and not paused),
    (select min(snoozed_until) from heartbeats where snoozed_until is not null)
  )`,
  'at',
)}`;

// The reminders sent since each service's death: a reminder says how many came before it.
// One reminder is one row per delivery (its channels share its time), hence distinct times.
// alerts has no index by service for sent rows: the recent reminders are read once, from the
// earliest death of the batch on (alerts_created_idx), and matched to the services by a hash,
// never by a nested loop that reads them again for each service (seconds for a batch of 2,000).
const REMINDERS_SENT = `
select h.service, count(distinct a.created_at)::int as sent from heartbeats h
left join alerts a on a.service = h.service and a.kind = 'reminder' and a.created_at >= h.died_at and a.created_at >= $2
where h.service = any($1::text[])
group by h.service`;

async function remindersSent({ db }: DomainContext, reminded: HeartbeatRow[]): Promise<Map<string, number>> {
  if (reminded.length === 0) return new Map();
  const since = new Date(Math.min(...reminded.map((row) => row.diedAt!.getTime())));
  await db.query(`select set_config('enable_nestloop', 'off', true)`, []);
  const rows = await db.query<{ service: string; sent: number }>(REMINDERS_SENT, [reminded.map((row) => row.service), since.toISOString()]);
  await db.query(`select set_config('enable_nestloop', 'on', true)`, []);
  return new Map(rows.map((row) => [row.service, Number(row.sent)]));
}

/** Ends the snoozes whose time is up, each flip dated when its snooze ended; answers the rows. */
async function endSnoozes(context: DomainContext, params: unknown[]): Promise<HeartbeatRow[]> {
  const records = await context.db.query(END_SNOOZES, params);
  const ended = records.map((record) => ({ row: heartbeatRows.read(record), at: readInstant(record.ended_at)! }));
  await recordFlips(
    context,
    ended.map(({ row, at }) => ({
      service: row.service,
      at,
      from: recordedStatus({ ...row, snoozedUntil: at }, new Date(at.getTime() - 1)),
      to: recordedStatus(row, at),
      cause: 'unsnoozed' as const,
    })),
  );
  return ended.map(({ row }) => row);
}

/**
 * When the sweeper must look at a watched service: its deadline, and before it the time of
 * its "running late" notice, unless that notice went out for this deadline already.
 */
export function watchTimes(row: Pick<HeartbeatRow, 'expectedAt' | 'warnBefore' | 'lateNoticedFor'>): Date[] {
  const noticed = row.lateNoticedFor !== null && row.lateNoticedFor.getTime() === row.expectedAt.getTime();
  if (row.warnBefore === null || noticed) return [row.expectedAt];
  return [new Date(row.expectedAt.getTime() - row.warnBefore * 1000), row.expectedAt];
}

/** When the sweeper must look next: a deadline, a late notice, a reminder, or a snooze's end. */
export async function nextDeadline({ db }: DomainContext): Promise<Date | null> {
  const [row] = await db.query(NEXT_WAKE, []);
  return readInstant(row?.at);
}

function alertsOf(rows: HeartbeatRow[], kind: NewAlert['kind'], details: (row: HeartbeatRow) => Record<string, unknown>): NewAlert[] {
  return rows.map((row) => ({
    kind,
    service: row.service,
    channel: row.alertType,
    target: row.alertTarget,
    channels: row.channels,
    details: details(row),
  }));
}

function announced(rows: HeartbeatRow[], now: Date, logAs: string): Changes {
  return changes({
    feed: rows.map((row) => ({ type: 'heartbeat' as const, heartBeat: toHeartbeat(row, now) })),
    alertsQueued: rows.length > 0,
    log: rows.map((row) => ({ level: 'info' as const, fields: { service: row.service }, message: logAs })),
  });
}

/**
 * The notices due now, each queued once: "running late" (warnBefore before a deadline),
 * reminders of services still dead (every remindEvery), and the deaths a snooze or a dead
 * parent held back, now that they no longer do. Answers how many went out.
 */
export async function claimLifecycleAlerts(
  context: DomainContext,
  { limit = 500 }: { limit?: number } = {},
): Promise<{ count: number; changes: Changes }> {
  const now = context.clock.now();
  return inTransaction(context, async (tx) => {
    await planByKey(tx.db);
    const params = [now.toISOString(), limit];
    const awake = await endSnoozes(tx, params);
    const late = (await tx.db.query(CLAIM_LATE, params)).map(heartbeatRows.read);
    const reminded = (await tx.db.query(CLAIM_REMINDERS, params)).map(heartbeatRows.read);
    const released = (await tx.db.query(RELEASE_HELD, params)).map(heartbeatRows.read);
    const sent = await remindersSent(tx, reminded);
    await enqueueAlerts(tx, {
      alerts: [
        ...alertsOf(late, 'late', (row) => ({
          last: unixSeconds(row.lastAt),
          expected: unixSeconds(row.expectedAt),
          warnBefore: row.warnBefore,
          message: row.message,
        })),
        ...alertsOf(reminded, 'reminder', (row) => ({
          diedAt: unixSeconds(row.diedAt!),
          // This reminder's number: those sent before it, plus one (missed ones are not counted).
          reminder: (sent.get(row.service) ?? 0) + 1,
          last: unixSeconds(row.lastAt),
          expected: unixSeconds(row.expectedAt),
        })),
        ...alertsOf(released, 'down', deathDetails),
      ],
      at: now,
    });
    // A late notice makes the service late until its pulse or its death.
    await recordFlips(
      tx,
      late.flatMap((row) => flipBetween({ ...row, lateNoticedFor: null }, row, { cause: 'late', at: now })),
    );
    return {
      count: late.length + reminded.length + released.length,
      changes: mergeChanges([
        changes({ feed: awake.map((row) => ({ type: 'heartbeat' as const, heartBeat: toHeartbeat(row, now) })) }),
        announced(late, now, 'heartbeat.late'),
        announced(reminded, now, 'heartbeat.reminder'),
        announced(released, now, 'heartbeat.alert_released'),
      ]),
    };
  });
}
