import { watchTimes } from './lifecycle-alerts.js';
import { formatDuration, LEVELS, type Event } from '@watchtower/protocol';
import { heartbeatRows, readInstant, runRows, selectInstant } from '../../db/rows.js';
import type { HeartbeatRow, RunRow } from '../../db/schema.js';
import { changes, mergeChanges, type Changes } from '../changes.js';
import { inTransaction, type DomainContext } from '../context.js';
import { recordServerEvents } from '../events/insert-events.js';
import { flipBetween, recordFlips } from '../history/record-flips.js';
import { enqueueAlerts } from '../outbox/enqueue-alerts.js';
import { toHeartbeat, unixSeconds } from '../views.js';
import { heldDeaths } from './claim-overdue-heartbeats.js';
import { lockService, serviceNotFound } from './configure-service.js';
import { deadlineFrom, scheduleOf } from './service-schedule.js';

export interface RunOutcome {
  heartbeat: HeartbeatRow;
  run: RunRow;
  changes: Changes;
}

// The run an end signal closes: the newest one not ended, of its rid when one is given.
const CLOSE_RUN = `
update runs set outcome = case when outcome = 'timeout' then 'timeout' else $3 end, ended_at = $4,
  exit_code = $5, message = coalesce($6, message)
where id = (
  select id from runs where service = $1 and ended_at is null and ($2::text is null or rid = $2)
  order by started_at desc nulls last, id desc limit 1
)
returning ${runRows.columns()}`;

const INSERT_RUN = `
insert into runs (service, rid, started_at, ended_at, outcome, exit_code, message)
values ($1, $2, $3, $4, $5, $6, $7)
returning ${runRows.columns()}`;

// A run that timed out was alerted already: only those still running hold the service's deadline.
const OLDEST_OPEN_RUN = `
select ${selectInstant('min(started_at)', 'at')} from runs
where service = $1 and ended_at is null and outcome = 'running'`;

// A start that was sent again (its answer lost) finds its run by rid instead of opening a second.
const OPEN_RUN_OF_RID = `
select ${runRows.columns()} from runs
where service = $1 and ended_at is null and outcome = 'running' and rid is not distinct from $2
order by runs.started_at desc limit 1
for update`;

const RESTART_RUN = `update runs set started_at = $2, message = coalesce($3, message) where id = $1 returning ${runRows.columns()}`;

interface RunEnd {
  service: string;
  rid: string | null;
  outcome: 'success' | 'fail';
  exitCode: number | null;
  message: string | null;
  at: Date;
}

/**
 * Closes the run an end signal belongs to (or records one that had no start) and answers
 * it, with the start of the oldest run still open, if any.
 */
export async function closeRun({ db }: DomainContext, end: RunEnd): Promise<{ run: RunRow; stillOpenSince: Date | null }> {
  const { service, rid, outcome, exitCode, message, at } = end;
  const [closed] = await db.query(CLOSE_RUN, [service, rid, outcome, at.toISOString(), exitCode, message]);
  const record = closed ?? (await db.query(INSERT_RUN, [service, rid, null, at.toISOString(), outcome, exitCode, message]))[0];
  const [open] = await db.query(OLDEST_OPEN_RUN, [service]);
  return { run: runRows.read(record!), stillOpenSince: readInstant(open?.at) };
}

/**
 * A run started: the service is `started`, and with a maxRuntime it must end within it
 * (the oldest open run counts when runs overlap). A start is the first signal of a new service.
 */
export async function startRun(
  context: DomainContext,
  { service, rid = null, message = null }: { service: string; rid?: string | null; message?: string | null },
): Promise<RunOutcome> {
  return inTransaction(context, async (tx) => {
    const existing = await lockService(tx, service);
    if (!existing) throw serviceNotFound(service);
    const now = tx.clock.now();
    const run = await openRun(tx, { service, rid, message, now });
    const [oldest] = await tx.db.query(OLDEST_OPEN_RUN, [service]);
    const runStart = readInstant(oldest?.at) ?? now;
    const scheduled = existing.signalled ? existing.expectedAt : deadlineFrom(scheduleOf(existing), existing.grace, now).expectedAt;
    const expectedAt = existing.maxRuntime === null ? scheduled : new Date(runStart.getTime() + existing.maxRuntime * 1000);
    const [record] = await tx.db.query(
      `update heartbeats set run_started_at = $2, expected_at = $3, signalled = true, cancelled = false, message = $4
       where service = $1 returning ${heartbeatRows.columns()}`,
      [service, runStart.toISOString(), expectedAt.toISOString(), message],
    );
    const heartbeat = heartbeatRows.read(record!);
    await recordFlips(tx, flipBetween(existing, heartbeat, { cause: 'start', at: now }));
    const watched = !heartbeat.alerted && !heartbeat.paused;
    return {
      heartbeat,
      run,
      changes: changes({
        feed: [{ type: 'heartbeat', heartBeat: toHeartbeat(heartbeat, now) }],
        deadlines: watched ? watchTimes(heartbeat) : [],
      }),
    };
  });
}

/**
 * The run a start opens. A start with a rid already open is a retry: that run stands. A
 * start without a rid restarts the open run without one, as Healthchecks does: otherwise a
 * start sent twice would leave a run open that no end closes, and time out falsely.
 */
async function openRun(
  { db }: DomainContext,
  { service, rid, message, now }: { service: string; rid: string | null; message: string | null; now: Date },
): Promise<RunRow> {
  const [open] = await db.query(OPEN_RUN_OF_RID, [service, rid]);
  if (open && rid !== null) return runRows.read(open);
  const [record] = open
    ? await db.query(RESTART_RUN, [open.id, now.toISOString(), message])
    : await db.query(INSERT_RUN, [service, rid, now.toISOString(), null, 'running', null, message]);
  return runRows.read(record!);
}

/** How a failed run reads in its event and alert. */
function describeFailedRun(service: string, run: RunRow): string {
  const code = run.exitCode === null ? '' : ` with exit code ${run.exitCode}`;
  const took = run.startedAt && run.endedAt ? ` after ${formatDuration((run.endedAt.getTime() - run.startedAt.getTime()) / 1000)}` : '';
  // An event holds at most 10,000 characters; the run keeps the whole message.
  const said = run.message ? `: ${Array.from(run.message).slice(0, 9_000).join('')}` : '.';
  return `Service ${service} failed${code}${took}${said}`;
}

/**
 * A run failed: the service is dead at once and its `failed` alert is queued, quoting the
 * exit code and the message, unless it was dead already or is paused. The failure is
 * recorded as an error event either way.
 */
export async function failRun(
  context: DomainContext,
  {
    service,
    rid = null,
    exitCode = null,
    message = null,
  }: { service: string; rid?: string | null; exitCode?: number | null; message?: string | null },
): Promise<RunOutcome> {
  return inTransaction(context, async (tx) => {
    const existing = await lockService(tx, service);
    if (!existing) throw serviceNotFound(service);
    const now = tx.clock.now();
    const { run, stillOpenSince } = await closeRun(tx, { service, rid, outcome: 'fail', exitCode, message, at: now });
    const dies = !existing.paused && !existing.alerted;
    const [record] = await tx.db.query(
      `update heartbeats set run_started_at = $2, signalled = true, cancelled = false, message = $5,
         alerted = alerted or $3, expected_at = case when $3 then $4::timestamptz else expected_at end,
         died_at = case when $3 then $4::timestamptz else died_at end, reminders = case when $3 then 0 else reminders end
       where service = $1 returning ${heartbeatRows.columns()}`,
      [service, stillOpenSince?.toISOString() ?? null, dies, now.toISOString(), message],
    );
    const heartbeat = heartbeatRows.read(record!);
    const [event] = await recordServerEvents(tx, {
      events: [{ service, level: LEVELS.error, message: describeFailedRun(service, run) }],
      at: now,
    });
    // A snooze or a dead parent holds the alert back, as for a death by silence.
    const held = dies ? await heldDeaths(tx, [heartbeat], now) : null;
    const alerts = held !== null && held.snoozed.size === 0 && held.byParent.size === 0;
    if (alerts) await enqueueFailedAlert(tx, heartbeat, run, now);
    await recordFlips(tx, flipBetween(existing, heartbeat, { cause: 'failed', at: now }));
    return { heartbeat, run, changes: failureChanges(heartbeat, event!, dies, alerts, now) };
  });
}

async function enqueueFailedAlert(context: DomainContext, heartbeat: HeartbeatRow, run: RunRow, now: Date): Promise<void> {
  await enqueueAlerts(context, {
    alerts: [
      {
        kind: 'failed',
        service: heartbeat.service,
        channel: heartbeat.alertType,
        target: heartbeat.alertTarget,
        channels: heartbeat.channels,
        details: {
          runId: run.id,
          exitCode: run.exitCode,
          message: run.message,
          started: run.startedAt && unixSeconds(run.startedAt),
          ended: unixSeconds(now),
        },
      },
    ],
    at: now,
  });
}

function failureChanges(heartbeat: HeartbeatRow, event: Event, died: boolean, alerted: boolean, now: Date): Changes {
  const base = changes({
    feed: [
      { type: 'heartbeat', heartBeat: toHeartbeat(heartbeat, now) },
      { type: 'event', event },
    ],
  });
  if (!died) return base;
  return mergeChanges([
    base,
    changes({
      feed: [{ type: 'heartbeat.dead', service: heartbeat.service }],
      alertsQueued: alerted,
      log: [{ level: 'info', fields: { service: heartbeat.service }, message: 'heartbeat.failed' }],
    }),
  ]);
}

/** A message from a service, recorded as an event; the service's state does not change. */
export async function logMessage(
  context: DomainContext,
  { service, message }: { service: string; message: string },
): Promise<{ event: Event; changes: Changes }> {
  return inTransaction(context, async (tx) => {
    const [known] = await tx.db.query('select 1 from heartbeats where service = $1', [service]);
    if (!known) throw serviceNotFound(service);
    const [event] = await recordServerEvents(tx, { events: [{ service, level: LEVELS.info, message }] });
    return { event: event!, changes: changes({ feed: [{ type: 'event', event: event! }] }) };
  });
}
