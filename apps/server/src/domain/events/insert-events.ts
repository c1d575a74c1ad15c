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
  /** The client's Idempotency-Key: an event already stored under it is answered instead. */
  key?: string | null;
}

export interface InsertedEvent {
  row: EventRow;
  /** False when the event was stored before, under the same idempotency key. */
  created: boolean;
}

// Identity values are drawn in insertion order, and rows go in in input order, so the
// returned rows sorted by id line up with the inputs that were inserted. A row whose key
// is taken already is skipped. Past its deadline (when given) the statement fails whole.
const INSERT_EVENTS = `
with inserted as (
  insert into events (service, level, message, date, idempotency_key)
  select x.service, x.level, x.message, x.date, x.key
  from json_to_recordset($1::text::json) as x(i int, service text, level int, message text, date timestamptz, key text)
  order by x.i
  on conflict (idempotency_key) where idempotency_key is not null do nothing
  returning id, service, level, message, extract(epoch from date) * 1000 as date_ms, idempotency_key as key
)
select * from inserted where $2::timestamptz is null or watchtower_write_deadline($2::timestamptz)`;

const FIND_BY_KEYS = `
select id, service, level, message, extract(epoch from date) * 1000 as date_ms, idempotency_key as key
from events where idempotency_key = any($1::text[])`;

// Times travel as epoch milliseconds: each driver parses timestamps its own way.
interface InsertedRecord extends Record<string, unknown> {
  id: string | number | bigint;
  service: string;
  level: number;
  message: string;
  date_ms: string | number;
  key: string | null;
}

const toRow = (record: InsertedRecord): EventRow => ({
  id: Number(record.id),
  service: record.service,
  level: record.level,
  message: record.message,
  date: new Date(Number(record.date_ms)),
});

/**
 * Inserts events with one statement and answers each input's stored row, in input order:
 * the new row, or the one stored before under the same idempotency key.
 */
export async function insertEvents(
  query: Query,
  events: EventToInsert[],
  { deadline }: { deadline?: Date } = {},
): Promise<InsertedEvent[]> {
  if (events.length === 0) return [];
  const numbered = events.map(({ service, level, message, date, key }, i) => ({ i, service, level, message, date, key: key ?? null }));
  const records = await query<InsertedRecord>(INSERT_EVENTS, [JSON.stringify(numbered), deadline?.toISOString() ?? null]);
  const inserted = records.map((record) => ({ row: toRow(record), key: record.key })).sort((a, b) => a.row.id - b.row.id);
  const byKey = new Map(inserted.filter((entry) => entry.key !== null).map((entry) => [entry.key!, entry.row]));
  const unkeyed = inserted.filter((entry) => entry.key === null).map((entry) => entry.row);
  const missingKeys = [...new Set(events.flatMap((event) => (event.key && !byKey.has(event.key) ? [event.key] : [])))];
  const earlier = new Map<string, EventRow>();
  if (missingKeys.length > 0) {
    for (const record of await query<InsertedRecord>(FIND_BY_KEYS, [missingKeys])) earlier.set(record.key!, toRow(record));
  }
  const claimed = new Set<string>();
  let next = 0;
  return events.map((event) => {
    if (!event.key) return { row: unkeyed[next++]!, created: true };
    const fresh = byKey.get(event.key);
    if (fresh) {
      // A key given twice in one batch: the first input created the row.
      const created = !claimed.has(event.key);
      claimed.add(event.key);
      return { row: fresh, created };
    }
    const row = earlier.get(event.key);
    if (!row) throw new Error(`the event stored under idempotency key ${JSON.stringify(event.key)} could not be read back`);
    return { row, created: false };
  });
}

/**
 * Records events written by the server itself (deaths, restarts), inside the caller's
 * transaction, and answers them in the protocol's form, in input order.
 */
export async function recordServerEvents(query: Query, events: Array<Omit<EventToInsert, 'date' | 'key'>>, at: Date): Promise<Event[]> {
  const inserted = await insertEvents(
    query,
    events.map((event) => ({ ...event, date: at.toISOString() })),
  );
  return inserted.map(({ row }) => toEvent(row));
}
