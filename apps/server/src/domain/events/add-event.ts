import type { AddEventRequest } from '@watchtower/protocol';
import type { Storage } from '../../db/client.js';
import { isDatabaseUnavailable } from '../../db/errors.js';
import type { EventRow } from '../../db/schema.js';
import { groupCommit } from '../../lib/group-commit.js';

interface NewEvent {
  i: number;
  service: string;
  level: number;
  message: string;
  date: string;
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

export type AddEvent = (event: AddEventRequest, received: Date) => Promise<EventRow>;

/** Stores events dated by the server's clock; concurrent events share one insert and one commit. */
export function createEventRecorder(storage: Storage): AddEvent {
  const write = groupCommit(
    async (batch: NewEvent[]): Promise<EventRow[]> => {
      const numbered = batch.map((event, i) => ({ ...event, i }));
      const rows = await storage.query<InsertedRow>(INSERT_EVENTS, [JSON.stringify(numbered)]);
      return rows
        .map((row) => ({
          id: Number(row.id),
          service: row.service,
          level: row.level,
          message: row.message,
          date: new Date(Number(row.date_ms)),
        }))
        .sort((a, b) => a.id - b.id);
    },
    { maxBatch: 1000, maxPending: 20_000, retryAlone: (error) => !isDatabaseUnavailable(error) },
  );
  return (event, received) =>
    write({
      i: 0,
      service: event.service,
      level: event.level,
      message: event.message,
      date: received.toISOString(),
    });
}
