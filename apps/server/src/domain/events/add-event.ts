import type { AddEventRequest } from '@watchtower/protocol';
import type { Query, Storage } from '../../db/client.js';
import { isDatabaseUnavailable } from '../../db/errors.js';
import type { EventRow } from '../../db/schema.js';
import { groupCommit } from '../../lib/group-commit.js';
import { enqueueAlerts } from '../alerts/enqueue-alerts.js';

/** Where an event sent with `alert: true` is alerted. */
export interface AlertRoute {
  channel: string;
  target: string;
}

interface NewEvent {
  service: string;
  level: number;
  message: string;
  date: string;
  alert: AlertRoute | null;
}

// Identity values are drawn in insertion order, and rows go in in input order, so the
// returned rows sorted by id line up with the input.
const INSERT_EVENTS = `
insert into events (service, level, message, date)
select x.service, x.level, x.message, x.date
from json_to_recordset($1::text::json) as x(i int, service text, level int, message text, date timestamptz)
order by x.i
returning id, service, level, message, extract(epoch from date) * 1000 as date_ms`;

// Times travel as epoch milliseconds: each driver parses timestamps its own way.
interface InsertedRow extends Record<string, unknown> {
  id: string | number | bigint;
  service: string;
  level: number;
  message: string;
  date_ms: string | number;
}

async function insertEvents(query: Query, batch: NewEvent[]): Promise<EventRow[]> {
  const numbered = batch.map(({ service, level, message, date }, i) => ({ i, service, level, message, date }));
  const rows = await query<InsertedRow>(INSERT_EVENTS, [JSON.stringify(numbered)]);
  return rows
    .map((row) => ({
      id: Number(row.id),
      service: row.service,
      level: row.level,
      message: row.message,
      date: new Date(Number(row.date_ms)),
    }))
    .sort((a, b) => a.id - b.id);
}

export type AddEvent = (event: AddEventRequest, received: Date, alert: AlertRoute | null) => Promise<EventRow>;

/**
 * Stores events dated by the server's clock; concurrent events share one insert and one
 * commit. An event with an alert route also queues its alert in the same transaction.
 */
export function createEventRecorder(storage: Storage): AddEvent {
  const write = groupCommit(
    async (batch: NewEvent[]): Promise<EventRow[]> => {
      if (!batch.some((event) => event.alert)) return insertEvents(storage.query, batch);
      return storage.transaction(async (query) => {
        const rows = await insertEvents(query, batch);
        const alerts = batch.flatMap((event, i) => {
          const row = rows[i]!;
          return event.alert
            ? [
                {
                  kind: 'event' as const,
                  service: row.service,
                  channel: event.alert.channel,
                  target: event.alert.target,
                  details: { eventId: row.id, level: row.level, message: row.message, date: row.date.getTime() / 1000 },
                },
              ]
            : [];
        });
        await enqueueAlerts(query, alerts, new Date(batch[0]!.date));
        return rows;
      });
    },
    { maxBatch: 1000, maxPending: 20_000, retryAlone: (error) => !isDatabaseUnavailable(error) },
  );
  return (event, received, alert) =>
    write({
      service: event.service,
      level: event.level,
      message: event.message,
      date: received.toISOString(),
      alert,
    });
}
