import type { Event } from '@watchtower/protocol';
import type { Query } from '../../db/client.js';
import type { EventRow } from '../../db/schema.js';
import { toEvent } from './list-events.js';

export interface EventToInsert {
  service: string;
  level: number;
  message: string;
  /** ISO-8601. */
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

/** Inserts events with one statement and answers the stored rows in input order. */
export async function insertEvents(query: Query, events: EventToInsert[]): Promise<EventRow[]> {
  if (events.length === 0) return [];
  const numbered = events.map(({ service, level, message, date }, i) => ({ i, service, level, message, date }));
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

/**
 * Records events written by the server itself (deaths, restarts), inside the caller's
 * transaction, and answers them in the protocol's form, in input order.
 */
export async function recordServerEvents(
  query: Query,
  events: Array<Omit<EventToInsert, 'date'>>,
  at: Date,
): Promise<Event[]> {
  const rows = await insertEvents(query, events.map((event) => ({ ...event, date: at.toISOString() })));
  return rows.map(toEvent);
}
