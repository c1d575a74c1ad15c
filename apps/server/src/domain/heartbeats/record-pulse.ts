import { formatDuration, LEVELS, type Event, type PulseRequest } from '@watchtower/protocol';
import type { Query, Storage } from '../../db/client.js';
import { isDatabaseUnavailable } from '../../db/errors.js';
import type { HeartbeatRow } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import { groupCommit } from '../../lib/group-commit.js';
import { insertEvents } from '../events/insert-events.js';
import { toEvent } from '../events/list-events.js';

interface PulseRow {
  service: string;
  alert_type: string;
  alert_target: string;
  next_in: number;
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
  select x.service, x.alert_type, x.alert_target, x.next_in,
    x.last_at + late.by as last_at, x.expected_at + late.by as expected_at
  from json_to_recordset($1::text::json)
    as x(service text, alert_type text, alert_target text, next_in float8, last_at timestamptz, expected_at timestamptz),
    (select case when clock_timestamp() - $3::timestamptz > interval '1 second'
       then clock_timestamp() - $3::timestamptz else interval '0' end as by) late
),
previous as (
  select h.service, h.alerted, h.cancelled, h.alert_type, h.alert_target, h.last_at, h.expected_at
  -- "= any(array(…))" reaches the rows by the primary key; "in (select …)" would scan the
  -- table, as the planner cannot tell how few rows the JSON holds.
  from heartbeats h where h.service = any(array(select service from incoming))
  order by h.service
  for update
),
upserted as (
  insert into heartbeats as h (service, alert_type, alert_target, next_in, last_at, expected_at, alerted, cancelled)
  select i.service, i.alert_type, i.alert_target, i.next_in, i.last_at, i.expected_at, false, false
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
    cancelled = false
  returning h.*
),
recovered as (
  select p.service, p.alert_type, p.alert_target, p.last_at, p.expected_at, i.last_at as back
  from previous p join incoming i on i.service = p.service
  where p.alerted and not p.cancelled
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
  returning a.id, a.service, a.created_at
),
recovery_alerts as (
  insert into alerts (kind, service, channel, target, details, next_attempt_at, created_at)
  select 'recovered', r.service, r.alert_type, r.alert_target,
    jsonb_build_object('last', extract(epoch from r.last_at), 'expected', extract(epoch from r.expected_at),
      'back', extract(epoch from r.back))
    || coalesce(
      (select jsonb_build_object('downNotSent', true, 'downAlertId', s.id, 'downRaised', extract(epoch from s.created_at))
       from superseded s where s.service = r.service order by s.created_at desc limit 1),
      '{}'::jsonb),
    r.back,
    -- A sweep may raise the down a moment after this pulse was received, and commit it
    -- while this statement waits for the row: the recovery still comes after it in its
    -- service's line (the function sees that down, which this statement's snapshot does not).
    greatest(r.back, watchtower_latest_pending_down(r.service) + interval '1 microsecond')
  from recovered r
)
select h.service, h.alert_type, h.alert_target, h.next_in, h.alerted, h.cancelled, h.message,
  h.remind_every, h.warn_before,
  extract(epoch from h.last_at) * 1000 as last_at_ms,
  extract(epoch from h.expected_at) * 1000 as expected_at_ms,
  extract(epoch from h.snoozed_until) * 1000 as snoozed_until_ms,
  extract(epoch from h.created_at) * 1000 as created_at_ms,
  (select extract(epoch from r.back - r.last_at) from recovered r where r.service = h.service) as recovered_after_s
from upserted h
-- Last: past its deadline the whole statement fails, and nothing of it is applied.
where watchtower_write_deadline($2::timestamptz)`;

// Times travel as epoch milliseconds: each driver parses timestamps its own way.
interface UpsertedRow extends Record<string, unknown> {
  service: string;
  alert_type: string;
  alert_target: string;
  next_in: number;
  alerted: boolean;
  cancelled: boolean;
  message: string | null;
  remind_every: number | null;
  warn_before: number | null;
  last_at_ms: string | number;
  expected_at_ms: string | number;
  snoozed_until_ms: string | number | null;
  created_at_ms: string | number;
  /** Seconds of silence of a service that came back from the dead; null for the others. */
  recovered_after_s: string | number | null;
}

function toHeartbeatRow(row: UpsertedRow): HeartbeatRow {
  return {
    service: row.service,
    alertType: row.alert_type,
    alertTarget: row.alert_target,
    nextIn: Number(row.next_in),
    lastAt: new Date(Number(row.last_at_ms)),
    expectedAt: new Date(Number(row.expected_at_ms)),
    alerted: row.alerted,
    cancelled: row.cancelled,
    message: row.message,
    remindEvery: row.remind_every,
    warnBefore: row.warn_before,
    snoozedUntil: row.snoozed_until_ms === null ? null : new Date(Number(row.snoozed_until_ms)),
    createdAt: new Date(Number(row.created_at_ms)),
  };
}

export interface PulseOutcome {
  heartbeat: HeartbeatRow;
  /** The service had been alerted as dead: a "recovered" alert is queued, and this event recorded. */
  recovery: Event | null;
}

/** Records the "pulsing again" event of each service that came back, in the caller's transaction. */
async function recordRecoveryEvents(query: Query, rows: UpsertedRow[], deadline: Date): Promise<Map<string, Event>> {
  const back = rows.filter((row) => row.recovered_after_s !== null);
  if (back.length === 0) return new Map();
  const inserted = await insertEvents(
    query,
    back.map((row) => ({
      service: row.service,
      level: LEVELS.info,
      message: `Service ${row.service} is pulsing again after ${formatDuration(Number(row.recovered_after_s))} of silence.`,
      date: new Date(Number(row.last_at_ms)).toISOString(),
    })),
    // Last: past its deadline the transaction rolls back whole, the pulses with it.
    { deadline },
  );
  return new Map(inserted.map(({ row }) => [row.service, toEvent(row)]));
}

export type RecordPulse = (pulse: PulseRequest) => Promise<PulseOutcome>;

/** How long a pulse may wait for its commit before it is answered 503 (and never applied). */
export const PULSE_MAX_WAIT_MS = 4_000;

/**
 * Records pulses: each service is alive until `nextIn` after its pulse is written (not
 * received: a write that waited on the database never starts with its deadline behind
 * it). Concurrent pulses share one transaction (the upsert, and the recovery events when a
 * dead service came back) and one commit; each caller is answered after that commit.
 */
export function createPulseRecorder(storage: Storage, clock: Clock): RecordPulse {
  const write = groupCommit(
    async (pulses: PulseRow[], deadline: number): Promise<PulseOutcome[]> => {
      // PostgreSQL refuses an upsert that touches one row twice: the last pulse of a
      // service in the batch wins, and every caller of that service sees the result.
      const latest = new Map(pulses.map((pulse) => [pulse.service, pulse]));
      const at = clock.now().getTime();
      const stamped = [...latest.values()].map((pulse) => ({
        ...pulse,
        last_at: new Date(at).toISOString(),
        expected_at: new Date(at + pulse.next_in * 1000).toISOString(),
      }));
      const databaseDeadline = storage.databaseTime(deadline);
      const params = [JSON.stringify(stamped), databaseDeadline.toISOString(), storage.databaseTime(Date.now()).toISOString()];
      return storage.transaction(async (query) => {
        const rows = await query<UpsertedRow>(UPSERT_PULSES, params);
        const recoveries = await recordRecoveryEvents(query, rows, databaseDeadline);
        const byService = new Map(
          rows.map((row) => [row.service, { heartbeat: toHeartbeatRow(row), recovery: recoveries.get(row.service) ?? null }]),
        );
        return pulses.map((pulse) => {
          const outcome = byService.get(pulse.service);
          if (!outcome) throw new Error(`the pulse upsert returned no row for ${pulse.service}`);
          return outcome;
        });
      });
    },
    {
      maxBatch: 1000,
      maxPending: 20_000,
      retryAlone: (error) => !isDatabaseUnavailable(error),
      maxWaitMs: PULSE_MAX_WAIT_MS,
    },
  );
  return (pulse) =>
    write({
      service: pulse.service,
      alert_type: pulse.alertType,
      alert_target: pulse.alertTarget,
      next_in: pulse.nextIn,
    });
}
