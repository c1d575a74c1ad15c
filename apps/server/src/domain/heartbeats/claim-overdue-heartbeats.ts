import { formatIsoTime, LEVELS } from '@watchtower/protocol';
import { heartbeatRows, readInstant, selectInstant } from '../../db/rows.js';
import { changes, type Changes } from '../changes.js';
import { inTransaction, type DomainContext } from '../context.js';
import { recordServerEvents } from '../events/insert-events.js';
import { recordedStatus, recordFlips } from '../history/record-flips.js';
import { enqueueAlerts } from '../outbox/enqueue-alerts.js';
import type { HeartbeatRow } from '../../db/schema.js';
import { unixSeconds } from '../views.js';
import { describeHungRun } from './run-signals.js';

// SKIP LOCKED: several processes sweep at once, each claims different rows, and the
// `not alerted` guard under the row lock makes each death claimed exactly once.
const CLAIM_OVERDUE = `
update heartbeats h set alerted = true
where h.service in (
  select service from heartbeats
  -- The predicate of heartbeats_watched_expected_idx, word for word.
  where expected_at < $1 and not alerted and not cancelled and not paused and signalled
  order by expected_at
  limit $2
  for update skip locked
)
returning ${heartbeatRows.columns('h')}`;

const NEXT_DEADLINE = `
select ${selectInstant('min(expected_at)', 'at')}
from heartbeats where not alerted and not cancelled and not paused and signalled`;

// A run past its maxRuntime keeps no end: it times out, and a late end still closes it.
const TIME_OUT_RUNS = `
update runs set outcome = 'timeout'
where service = any($1::text[]) and ended_at is null and outcome = 'running'`;

/** A claimed service whose open run outlived its maxRuntime, rather than one that fell silent. */
const hung = (row: HeartbeatRow): row is HeartbeatRow & { runStartedAt: Date; maxRuntime: number } =>
  row.runStartedAt !== null && row.maxRuntime !== null && row.expectedAt.getTime() >= row.runStartedAt.getTime() + row.maxRuntime * 1000;

function deathDetails(row: HeartbeatRow): Record<string, unknown> {
  const details = { last: unixSeconds(row.lastAt), expected: unixSeconds(row.expectedAt), nextIn: row.nextIn, message: row.message };
  return hung(row) ? { ...details, runStarted: unixSeconds(row.runStartedAt), maxRuntime: row.maxRuntime } : details;
}

function deathMessage(row: HeartbeatRow, now: Date): string {
  if (hung(row)) return describeHungRun(row.service, row.runStartedAt, now, row.maxRuntime);
  return `Service ${row.service} has not pulsed since ${formatIsoTime(row.lastAt)} (it was expected by ${formatIsoTime(row.expectedAt)}).`;
}

/**
 * Marks services past their deadline as alerted and, in the same transaction, writes one
 * "down" alert and one error event for each. Answers the services it claimed.
 */
export async function claimOverdueHeartbeats(
  context: DomainContext,
  { limit = 500 }: { limit?: number } = {},
): Promise<{ services: string[]; changes: Changes }> {
  const now = context.clock.now();
  return inTransaction(context, async (tx) => {
    const overdue = (await tx.db.query(CLAIM_OVERDUE, [now.toISOString(), limit])).map(heartbeatRows.read);
    if (overdue.length === 0) return { services: [], changes: changes() };
    await enqueueAlerts(tx, {
      alerts: overdue.map((row) => ({
        kind: 'down' as const,
        service: row.service,
        channel: row.alertType,
        target: row.alertTarget,
        details: deathDetails(row),
      })),
      at: now,
    });
    const timedOut = overdue.filter(hung).map((row) => row.service);
    if (timedOut.length > 0) await tx.db.query(TIME_OUT_RUNS, [timedOut]);
    const events = await recordServerEvents(tx, {
      events: overdue.map((row) => ({
        service: row.service,
        level: LEVELS.error,
        message: deathMessage(row, now),
      })),
      at: now,
    });
    // The history: alive (or started) to dead, as the claim saw it.
    await recordFlips(
      tx,
      overdue.map((row) => ({
        service: row.service,
        at: now,
        from: recordedStatus({ ...row, alerted: false }),
        to: 'dead' as const,
        cause: hung(row) ? ('timeout' as const) : ('deadline' as const),
      })),
    );
    return {
      services: overdue.map((row) => row.service),
      changes: changes({
        feed: overdue.flatMap((row, i) => [
          { type: 'heartbeat.dead' as const, service: row.service },
          { type: 'event' as const, event: events[i]! },
        ]),
        alertsQueued: true,
        log: overdue.map((row) => ({ level: 'info' as const, fields: { service: row.service }, message: 'heartbeat.dead' })),
      }),
    };
  });
}

/** The earliest deadline of an armed service, if any. */
export async function nextDeadline({ db }: DomainContext): Promise<Date | null> {
  const [row] = await db.query(NEXT_DEADLINE, []);
  return readInstant(row?.at);
}
