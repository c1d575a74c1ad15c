import { watchTimes } from './lifecycle-alerts.js';
import type { GroupCommitObserver } from '../../lib/metrics.js';
import { formatDuration, LEVELS, type Event, type PulseRequest } from '@watchtower/protocol';
import type { Storage } from '../../db/client.js';
import { isDatabaseUnavailable } from '../../db/errors.js';
import { heartbeatRows } from '../../db/rows.js';
import type { HeartbeatRow } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import { groupCommit } from '../../lib/group-commit.js';
import { changes, mergeChanges, type Changes } from '../changes.js';
import { inTransaction, type DomainContext } from '../context.js';
import { insertEvents } from '../events/insert-events.js';
import { DomainError } from '../errors.js';
import { flipBetween, recordFlips, type FlipInput } from '../history/record-flips.js';
import { toEvent, toHeartbeat } from '../views.js';
import { closeRun } from './run-signals.js';
import { deadlineFrom, scheduleOf } from './service-schedule.js';

/** A pulse as the batch statement takes it; the fields it left out are filled from the service. */
interface PulseRow {
  service: string;
  alert_type: string | null;
  alert_target: string | null;
  next_in: number | null;
  message: string | null;
  /** The run id of a success that ends a run (ping URLs' `?rid=`). */
  rid: string | null;
}

/** A pulse ready to write: every value known, and the deadline where SQL cannot compute it (cron). */
interface StampedPulse {
  service: string;
  alert_type: string;
  alert_target: string;
  next_in: number;
  expected_at: string | null;
  keeps_schedule: boolean;
  message: string | null;
}

// One statement for any number of pulses. Rows go in service order, so concurrent
// batches (from other processes) lock rows in the same order and cannot deadlock. A pulse
// re-arms a cancelled or alerted service. A service that was alerted as dead (and not
// cancelled since) gets, in the same statement, a "recovered" alert to the channel that
// heard of its death; its silence in seconds comes back for the event that says so.
const UPSERT_PULSES = `
with incoming as (
  -- A statement that began more than a second after it was sent (it waited for a
  -- connection, or for the database to come back) is stamped when it runs: a deadline never
  -- starts behind the time it is written.
  select x.service, x.alert_type, x.alert_target, x.next_in, x.keeps_schedule::boolean as keeps_schedule, x.message,
    $8::timestamptz + late.by as last_at, x.expected_at + late.by as expected_at
  from unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::timestamptz[], $6::text[], $7::text[])
    as x(service, alert_type, alert_target, next_in, expected_at, keeps_schedule, message),
    (select case when clock_timestamp() - $10::timestamptz > interval '1 second'
       then clock_timestamp() - $10::timestamptz else interval '0' end as by) late
),
previous as (
  select h.service, h.alerted, h.cancelled, h.alert_type, h.alert_target, h.channels, h.last_at, h.expected_at,
    h.grace, h.schedule_kind, h.run_started_at, h.alert_held, h.signalled, h.late_noticed_for
  -- By the primary key: the pulse connections plan with sequential scans disfavoured.
  from heartbeats h where h.service = any($1::text[])
  order by h.service
  for update
),
upserted as (
  insert into heartbeats as h (service, alert_type, alert_target, next_in, last_at, expected_at, alerted, cancelled,
    signalled, message, schedule_kind)
  select i.service, i.alert_type, i.alert_target, i.next_in, i.last_at,
    -- One cycle plus the service's grace; a cron deadline comes computed.
    coalesce(i.expected_at, i.last_at + (i.next_in + coalesce(p.grace, 0)) * interval '1 second'),
    false, false, true, i.message,
    case when i.keeps_schedule then coalesce(p.schedule_kind, 'nextIn') else 'nextIn' end
  -- The join makes "previous" lock and read the rows before they are written; a row
  -- written by this very statement would be invisible to its FOR UPDATE.
  from incoming i left join previous p on p.service = i.service
  order by i.service
  on conflict (service) do update set
    alert_type = excluded.alert_type,
    alert_target = excluded.alert_target,
    next_in = excluded.next_in,
    last_at = excluded.last_at,
    expected_at = excluded.expected_at,
    alerted = false,
    cancelled = false,
    signalled = true,
    message = excluded.message,
    schedule_kind = excluded.schedule_kind,
    died_at = null,
    reminders = 0,
    alert_held = null
  returning h.*
),
recovered as (
  select p.service, p.alert_type, p.alert_target, p.channels, p.last_at, p.expected_at, i.last_at as back
  from previous p join incoming i on i.service = p.service
  -- A death whose alert a snooze or a dead parent held back was never told: no recovery either.
  where p.alerted and not p.cancelled and p.alert_held is null
),
-- A down of this silence that has not gone out is never sent: the recovery says both. One
-- being delivered right now (claimed, its lease running) is left to finish, and the
-- recovery waits for it. The downs are found by alerts_pending_service_idx and locked
-- first, and only then judged idle, on their latest state: a failure recorded while this
-- statement ran is seen. The update joins them by primary key and names no status, so no
-- plan of it scans a pending index or the table.
superseded as (
  update alerts a set status = 'superseded', claim_token = null
  from (
    select o.id, o.idle from recovered r cross join lateral (
      select id, claim_token is null or next_attempt_at <= r.back as idle from alerts
      where service = r.service and status = 'pending' and created_at >= r.last_at and kind = 'down'
      -- OFFSET 0 keeps the planner from judging "idle" on the stale row, before the lock.
      offset 0
      for update
    ) o
  ) d
  where a.id = d.id and d.idle
  returning a.id, a.service, a.created_at, a.channel_name
),
-- Each channel that heard of the death hears of the recovery: the classic pair (when the
-- service has one) and each named channel; a down superseded on a channel is told on that one.
recovery_alerts as (
  insert into alerts (kind, service, channel, target, channel_name, details, next_attempt_at, created_at)
  select 'recovered', r.service, coalesce(c.type, d.channel), d.target, d.channel_name,
    jsonb_build_object('last', extract(epoch from r.last_at), 'expected', extract(epoch from r.expected_at),
      'back', extract(epoch from r.back))
    || coalesce(
      (select jsonb_build_object('downNotSent', true, 'downAlertId', s.id, 'downRaised', extract(epoch from s.created_at))
       from superseded s where s.service = r.service and s.channel_name is not distinct from d.channel_name
       order by s.created_at desc limit 1),
      '{}'::jsonb),
    r.back,
    -- A sweep may raise the down a moment after this pulse was received, and commit it
    -- while this statement waits for the row: the recovery still comes after it in its
    -- service's line (the function sees that down, which this statement's snapshot does not).
    greatest(r.back, watchtower_latest_pending_down(r.service) + interval '1 microsecond')
  from recovered r
  cross join lateral (
    select r.alert_type as channel, r.alert_target as target, null::text as channel_name where r.alert_type <> ''
    union all
    select 'unknown', n.name, n.name from unnest(r.channels) as n(name)
  ) d
  left join channels c on c.name = d.channel_name
)
select ${heartbeatRows.columns('h')},
  (select extract(epoch from r.back - r.last_at) from recovered r where r.service = h.service) as recovered_after_s,
  (select p.run_started_at is not null from previous p where p.service = h.service) as had_open_run,
  -- Its state before, for its history (null: the pulse created it). A join, not a subquery
  -- per row: a batch of 1,000 took twice as long with one.
  case when prior.service is not null then json_build_object('alerted', prior.alerted, 'cancelled', prior.cancelled,
    'signalled', prior.signalled, 'runOpen', prior.run_started_at is not null,
    'late', prior.late_noticed_for is not null and prior.late_noticed_for = prior.expected_at) end as previous_state
from upserted h
left join previous prior on prior.service = h.service
-- Last: past its deadline the whole statement fails, and nothing of it is applied.
where watchtower_write_deadline($9::timestamptz)`;

// The common case in one statement, with no transaction around it: every service of the
// batch is alive as a pulse leaves it (pulsed before, not dead, not cancelled, no run open,
// no late notice for its deadline then or now, no cron deadline to compute), so a pulse only
// moves its deadline: no recovery, no flip, no run to end. The rows are locked in service
// order and judged on their latest state; unless all of them qualify nothing is written,
// and the batch takes the full statement instead. It never waits for a lock.
const PULSE_ALIVE = `
with incoming as (
  select x.service, x.alert_type, x.alert_target, x.next_in, x.message
  from unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::text[]) as x(service, alert_type, alert_target, next_in, message)
),
stamp as (
  -- Stamped when it runs if it began late, as the full statement does.
  select $6::timestamptz + case when clock_timestamp() - $8::timestamptz > interval '1 second'
    then clock_timestamp() - $8::timestamptz else interval '0' end as at
),
alive as (
  select h.service
  from heartbeats h
  join incoming i on i.service = h.service
  cross join stamp s
  -- By the primary key, as in the full statement.
  where h.service = any($1::text[])
    and h.signalled and not h.alerted and not h.cancelled and h.run_started_at is null
    and (i.next_in is not null or h.schedule_kind <> 'cron')
    and (h.late_noticed_for is null or (h.late_noticed_for <> h.expected_at
      and h.late_noticed_for <> s.at + (coalesce(i.next_in, h.next_in) + h.grace) * interval '1 second'))
  order by h.service
  -- A row another transaction holds (a death being claimed) sends the batch to the full
  -- statement at once, which then waits for it on a snapshot taken before that commit.
  for update of h skip locked
),
updated as (
  update heartbeats h set
    alert_type = coalesce(i.alert_type, h.alert_type),
    alert_target = coalesce(i.alert_target, h.alert_target),
    next_in = coalesce(i.next_in, h.next_in),
    last_at = s.at,
    expected_at = s.at + (coalesce(i.next_in, h.next_in) + h.grace) * interval '1 second',
    alerted = false,
    cancelled = false,
    signalled = true,
    message = i.message,
    schedule_kind = case when i.next_in is null then h.schedule_kind else 'nextIn' end,
    died_at = null,
    reminders = 0,
    alert_held = null
  from incoming i cross join stamp s
  where h.service = any($1::text[]) and h.service = i.service
    and (select count(*) from alive) = cardinality($1::text[])
  returning h.*
)
select ${heartbeatRows.columns('h')} from updated h
-- Last: past its deadline the whole statement fails, and nothing of it is applied.
where watchtower_write_deadline($7::timestamptz)`;

/**
 * Writes the batch in one statement when every service of it is alive and stays so (see
 * PULSE_ALIVE); answers undefined, having written nothing, when one is not.
 */
async function pulseAliveServices(
  context: DomainContext,
  pulses: PulseRow[],
  { at, deadline, sentAt }: { at: Date; deadline: Date; sentAt: Date },
): Promise<Map<string, PulseOutcome> | undefined> {
  const records = await context.db.query(PULSE_ALIVE, [
    pulses.map((pulse) => pulse.service),
    pulses.map((pulse) => pulse.alert_type),
    pulses.map((pulse) => pulse.alert_target),
    pulses.map((pulse) => pulse.next_in),
    pulses.map((pulse) => pulse.message),
    at.toISOString(),
    deadline.toISOString(),
    sentAt.toISOString(),
  ]);
  if (records.length < pulses.length) return undefined;
  const now = context.clock.now();
  return new Map(
    records.map((record) => {
      const heartbeat = heartbeatRows.read(record);
      return [heartbeat.service, { heartbeat, changes: pulseChanges(heartbeat, undefined, now) }];
    }),
  );
}

export interface PulseOutcome {
  heartbeat: HeartbeatRow;
  changes: Changes;
}

/** What a pulse changed: the service is armed, and announced; one that came back also recovered. */
function pulseChanges(heartbeat: HeartbeatRow, recovery: Event | undefined, now: Date): Changes {
  const announced = changes({ feed: [{ type: 'heartbeat', heartBeat: toHeartbeat(heartbeat, now) }], deadlines: watchTimes(heartbeat) });
  if (!recovery) return announced;
  return mergeChanges([
    announced,
    changes({
      feed: [
        { type: 'heartbeat.recovered', service: heartbeat.service },
        { type: 'event', event: recovery },
      ],
      alertsQueued: true,
      // The sweeper looks at once: services that depend on this one may have deaths to tell.
      deadlines: [now],
      log: [{ level: 'info', fields: { service: heartbeat.service }, message: 'heartbeat.recovered' }],
    }),
  ]);
}

/** Records the "pulsing again" event of each service that came back, as part of the pulses' transaction. */
async function recordRecoveryEvents(
  context: DomainContext,
  back: Array<{ heartbeat: HeartbeatRow; silentFor: number }>,
  deadline: Date,
): Promise<Map<string, Event>> {
  if (back.length === 0) return new Map();
  const inserted = await insertEvents(context, {
    events: back.map(({ heartbeat, silentFor }) => ({
      service: heartbeat.service,
      level: LEVELS.info,
      message: `Service ${heartbeat.service} is pulsing again after ${formatDuration(silentFor)} of silence.`,
      date: heartbeat.lastAt.toISOString(),
    })),
    // Last: past its deadline the transaction rolls back whole, the pulses with it.
    deadline,
  });
  return new Map(inserted.map(({ row }) => [row.service, toEvent(row)]));
}

/** What a pulse that leaves out nextIn or its channel needs of a service the server does not know. */
function unknownServiceHint(pulse: PulseRow): string {
  const missing = [pulse.next_in === null && 'nextIn', pulse.alert_type === null && 'alertType and alertTarget'].filter(Boolean);
  return `${missing.join(' and ')} ${missing.length > 1 || pulse.alert_type === null ? 'are' : 'is'} required: the server does not know service ${JSON.stringify(pulse.service)} yet (create it with PUT /heartbeat/:service, or send them with its first pulse)`;
}

/**
 * Stamps each pulse at `at`, filling what it left out from its service: its channel, its
 * schedule's seconds, or (cron) its deadline, which only TypeScript can compute. A pulse
 * for a service the server does not know must name both.
 */
async function stampPulses(context: DomainContext, pulses: PulseRow[], at: Date): Promise<StampedPulse[]> {
  const partial = pulses.filter((pulse) => pulse.next_in === null || pulse.alert_type === null);
  const stored = new Map<string, HeartbeatRow>();
  if (partial.length > 0) {
    const records = await context.db.query(
      `select ${heartbeatRows.columns()} from heartbeats where service = any($1::text[]) order by service for update`,
      [partial.map((pulse) => pulse.service)],
    );
    for (const row of records.map(heartbeatRows.read)) stored.set(row.service, row);
  }
  return pulses.map((pulse) => {
    const row = stored.get(pulse.service);
    if ((pulse.next_in === null || pulse.alert_type === null) && !row)
      throw new DomainError('VALIDATION_FAILED', unknownServiceHint(pulse));
    const cron = pulse.next_in === null && row?.scheduleKind === 'cron' ? deadlineFrom(scheduleOf(row), row.grace, at) : null;
    return {
      service: pulse.service,
      alert_type: pulse.alert_type ?? row!.alertType,
      alert_target: pulse.alert_target ?? row!.alertTarget,
      next_in: cron?.nextIn ?? pulse.next_in ?? row!.nextIn,
      expected_at: cron ? cron.expectedAt.toISOString() : null,
      keeps_schedule: pulse.next_in === null,
      message: pulse.message,
    };
  });
}

/**
 * A success ends a run: the newest one still open (of its rid when given). The service then
 * waits on its oldest run still open, if any, for at most maxRuntime.
 */
async function endRuns(context: DomainContext, pulses: PulseRow[], at: Date): Promise<Map<string, HeartbeatRow>> {
  const ended = new Map<string, HeartbeatRow>();
  for (const pulse of pulses) {
    const { stillOpenSince } = await closeRun(context, {
      service: pulse.service,
      rid: pulse.rid,
      outcome: 'success',
      exitCode: null,
      message: pulse.message,
      at,
    });
    const [record] = await context.db.query(
      `update heartbeats set run_started_at = $2,
         expected_at = case when $2::timestamptz is null or max_runtime is null then expected_at
           else least(expected_at, $2::timestamptz + max_runtime * interval '1 second') end
       where service = $1 returning ${heartbeatRows.columns()}`,
      [pulse.service, stillOpenSince?.toISOString() ?? null],
    );
    ended.set(pulse.service, heartbeatRows.read(record!));
  }
  return ended;
}

/**
 * Records a batch of pulses stamped now, one per service (the last of a service wins):
 * each service is armed until its next deadline, one that was alerted as dead gets its
 * recovery alert and event, and a run under way ends, all in one transaction. Past
 * `deadline` nothing is applied. `sentAt` (the database's time when the batch was sent)
 * lets a statement that started late stamp the pulses when it runs.
 */
export async function recordPulses(
  context: DomainContext,
  { pulses, deadline, sentAt }: { pulses: PulseRow[]; deadline: Date; sentAt: Date },
): Promise<Map<string, PulseOutcome>> {
  const at = context.clock.now();
  // A pulse that names its run ends that run: the full statement's work.
  if (pulses.every((pulse) => pulse.rid === null)) {
    const alive = await pulseAliveServices(context, pulses, { at, deadline, sentAt });
    if (alive) return alive;
  }
  return inTransaction(context, async (tx) => {
    const stamped = await stampPulses(tx, pulses, at);
    const params = [
      stamped.map((pulse) => pulse.service),
      stamped.map((pulse) => pulse.alert_type),
      stamped.map((pulse) => pulse.alert_target),
      stamped.map((pulse) => pulse.next_in),
      stamped.map((pulse) => pulse.expected_at),
      // As text: postgres.js types an array of booleans as one boolean.
      stamped.map((pulse) => String(pulse.keeps_schedule)),
      stamped.map((pulse) => pulse.message),
      at.toISOString(),
      deadline.toISOString(),
      sentAt.toISOString(),
    ];
    const records = await tx.db.query(UPSERT_PULSES, params);
    const upserted = records.map((record) => ({
      heartbeat: heartbeatRows.read(record),
      silentFor: record.recovered_after_s === null ? null : Number(record.recovered_after_s),
    }));
    // Only services that use runs pay for them: the classic pulse is one statement.
    const runsEnding = new Set(records.filter((record) => record.had_open_run).map((record) => record.service as string));
    const ended = await endRuns(
      tx,
      pulses.filter((pulse) => runsEnding.has(pulse.service) || pulse.rid !== null),
      at,
    );
    const back = upserted.flatMap(({ heartbeat, silentFor }) => (silentFor === null ? [] : [{ heartbeat, silentFor }]));
    const recoveries = await recordRecoveryEvents(tx, back, deadline);
    // Only services whose state changed get a flip: an alive service's pulse writes none.
    await recordFlips(tx, pulseFlips(records, ended), { deadline });
    // Last: past its deadline the transaction rolls back whole.
    if (ended.size > 0 && back.length === 0)
      await tx.db.query('select watchtower_write_deadline($1::timestamptz)', [deadline.toISOString()]);
    const now = context.clock.now();
    return new Map(
      upserted.map(({ heartbeat: upsertedRow }) => {
        const heartbeat = ended.get(upsertedRow.service) ?? upsertedRow;
        return [heartbeat.service, { heartbeat, changes: pulseChanges(heartbeat, recoveries.get(heartbeat.service), now) }];
      }),
    );
  });
}

/**
 * The flips of a batch: each service's state before (as the upsert read it) against its
 * state after (once its run ended). A dead service that pulses has recovered.
 */
function pulseFlips(records: Record<string, unknown>[], ended: Map<string, HeartbeatRow>): FlipInput[] {
  return records.flatMap((record) => {
    const upserted = heartbeatRows.read(record);
    const after = ended.get(upserted.service) ?? upserted;
    const state = record.previous_state;
    const previous = (typeof state === 'string' ? JSON.parse(state) : state) as PreviousState | null;
    // A pulse leaves `paused` and a snooze as they were; only whether a run was open, or
    // the late notice was for the deadline then, matters, not the times themselves.
    const before = previous && {
      ...previous,
      paused: after.paused,
      snoozedUntil: after.snoozedUntil,
      runStartedAt: previous.runOpen ? upserted.lastAt : null,
      expectedAt: upserted.expectedAt,
      lateNoticedFor: previous.late ? upserted.expectedAt : null,
    };
    const cause = previous?.alerted && !previous.cancelled ? 'recovered' : 'pulse';
    return flipBetween(before, after, { cause, at: upserted.lastAt });
  });
}

interface PreviousState {
  alerted: boolean;
  cancelled: boolean;
  signalled: boolean;
  runOpen: boolean;
  late: boolean;
}

export type RecordPulse = (pulse: PulseRequest, options?: { rid?: string | null }) => Promise<PulseOutcome>;

/** Pulse batches written at once on PostgreSQL: one per pulse connection. */
const PULSE_BATCHES_IN_FLIGHT = 2;

/** How long a pulse may wait for its commit before it is answered 503 (and never applied). */
export const PULSE_MAX_WAIT_MS = 4_000;

/**
 * Records pulses: each service is alive until `nextIn` after its pulse is written (not
 * received: a write that waited on the database never starts with its deadline behind
 * it). Concurrent pulses share one transaction and one commit; each caller is answered
 * after that commit.
 */
export function createPulseRecorder({
  db,
  clock,
  observer,
}: {
  db: Storage;
  clock: Clock;
  /** Told of the batches and of what waits, for /metrics. */
  observer?: GroupCommitObserver | undefined;
}): RecordPulse {
  const write = groupCommit(
    async (pulses: PulseRow[], deadlineMs: number): Promise<PulseOutcome[]> => {
      // PostgreSQL refuses an upsert that touches one row twice: the last pulse of a
      // service in the batch wins, and every caller of that service sees the result.
      const latest = new Map(pulses.map((pulse) => [pulse.service, pulse]));
      const outcomes = await recordPulses(
        { db: db.keyed, clock },
        { pulses: [...latest.values()], deadline: db.databaseTime(deadlineMs), sentAt: db.databaseTime(Date.now()) },
      );
      const answered = new Set<string>();
      return pulses.map((pulse) => {
        const outcome = outcomes.get(pulse.service);
        if (!outcome) throw new Error(`the pulse upsert returned no row for ${pulse.service}`);
        // The changes are applied once, by the first caller of a service.
        if (answered.has(pulse.service)) return { heartbeat: outcome.heartbeat, changes: changes() };
        answered.add(pulse.service);
        return outcome;
      });
    },
    {
      maxBatch: 1000,
      maxPending: 20_000,
      retryAlone: (error) => !isDatabaseUnavailable(error),
      observer,
      maxWaitMs: PULSE_MAX_WAIT_MS,
      // On PostgreSQL a second batch is written while the first one's round trips are under
      // way (the pulse connections are two); a service's pulses still commit in order, as a
      // service in a batch under way waits for the next one. PGlite runs one statement at a time.
      maxInFlight: db.kind === 'postgres' ? PULSE_BATCHES_IN_FLIGHT : 1,
      keyOf: (pulse) => pulse.service,
    },
  );
  return (pulse, { rid = pulse.rid ?? null } = {}) =>
    write({
      service: pulse.service,
      alert_type: pulse.alertType ?? null,
      alert_target: pulse.alertTarget ?? null,
      next_in: pulse.nextIn ?? null,
      message: pulse.message ?? null,
      rid,
    });
}
