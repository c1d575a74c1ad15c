import { formatIsoTime, LEVELS, type Event } from '@watchtower/protocol';
import type { Storage } from '../../db/client.js';
import { recordServerEvents } from '../events/insert-events.js';
import { enqueueAlerts } from '../outbox/enqueue-alerts.js';

interface OverdueRow extends Record<string, unknown> {
  service: string;
  alert_type: string;
  alert_target: string;
  next_in: number;
  last: string | number;
  expected: string | number;
  message: string | null;
}

// SKIP LOCKED: several processes sweep at once, each claims different rows, and the
// `not alerted` guard under the row lock makes each death claimed exactly once.
const CLAIM_OVERDUE = `
update heartbeats h set alerted = true
where h.service in (
  select service from heartbeats
  where expected_at < $1 and not alerted and not cancelled
  order by expected_at
  limit $2
  for update skip locked
)
returning h.service, h.alert_type, h.alert_target, h.next_in, h.message,
  extract(epoch from h.last_at) as last, extract(epoch from h.expected_at) as expected`;

const NEXT_DEADLINE = `
select extract(epoch from min(expected_at)) * 1000 as at_ms
from heartbeats where not alerted and not cancelled`;

export interface OverdueClaim {
  service: string;
  /** The error event recorded for the death. */
  event: Event;
}

/**
 * Marks services past their deadline as alerted and, in the same transaction, writes one
 * "down" alert and one error event for each. Answers what it claimed.
 */
export async function claimOverdueHeartbeats(storage: Storage, now: Date, limit = 500): Promise<OverdueClaim[]> {
  return storage.transaction(async (query) => {
    const rows = await query<OverdueRow>(CLAIM_OVERDUE, [now.toISOString(), limit]);
    if (rows.length === 0) return [];
    const overdue = rows.map((row) => ({ ...row, last: Number(row.last), expected: Number(row.expected) }));
    await enqueueAlerts(
      query,
      overdue.map((row) => ({
        kind: 'down' as const,
        service: row.service,
        channel: row.alert_type,
        target: row.alert_target,
        details: { last: row.last, expected: row.expected, nextIn: row.next_in, message: row.message },
      })),
      now,
    );
    const events = await recordServerEvents(
      query,
      overdue.map((row) => ({
        service: row.service,
        level: LEVELS.error,
        message: `Service ${row.service} has not pulsed since ${formatIsoTime(row.last)} (it was expected by ${formatIsoTime(row.expected)}).`,
      })),
      now,
    );
    return overdue.map((row, i) => ({ service: row.service, event: events[i]! }));
  });
}

/** The earliest deadline of an armed service, if any. */
export async function nextDeadline(storage: Storage): Promise<Date | null> {
  const [row] = await storage.query<{ at_ms: string | number | null }>(NEXT_DEADLINE, []);
  return row?.at_ms === null || row?.at_ms === undefined ? null : new Date(Number(row.at_ms));
}
