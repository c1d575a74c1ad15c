import type { Event } from '@watchtower/protocol';
import { eventRows } from '../../db/rows.js';
import type { EventRow } from '../../db/schema.js';
import type { DomainContext } from '../context.js';
import { toEvent } from '../views.js';

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

// Ids are drawn in insertion order, and rows go in in input order, so the returned rows
// sorted by id line up with the inputs that were inserted. Keys are claimed first in
// event_keys (unique across every partition of events, in key order so that two batches
// never wait on each other in a circle): an input whose key was taken already is skipped,
// as is a repeat of a key within the batch. Past its deadline (when given) the statement
// fails whole.
const INSERT_EVENTS = `
with input as (
  select * from json_to_recordset($1::text::json) as x(i int, service text, level int, message text, date timestamptz, key text)
),
claimed as (
  insert into event_keys (key, date)
  select distinct on (key) key, date from input where key is not null order by key, i
  on conflict (key) do nothing
  returning key
),
inserted as (
  insert into events (service, level, message, date, idempotency_key)
  select x.service, x.level, x.message, x.date, x.key
  from input x
  where x.key is null
    or (x.key in (select key from claimed) and x.i = (select min(y.i) from input y where y.key = x.key))
  order by x.i
  returning *
)
select ${eventRows.columns()} from inserted where $2::timestamptz is null or watchtower_write_deadline($2::timestamptz)`;

const FIND_BY_KEYS = `select ${eventRows.columns()} from events where idempotency_key = any($1::text[])`;

/** Pairs each input with its stored row: the one just inserted, or the one stored before under its key. */
function pairWithInputs(events: EventToInsert[], inserted: EventRow[], earlier: Map<string, EventRow>): InsertedEvent[] {
  const byKey = new Map(inserted.flatMap((row) => (row.idempotencyKey === null ? [] : [[row.idempotencyKey, row] as const])));
  const unkeyed = inserted.filter((row) => row.idempotencyKey === null);
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
 * Inserts events with one statement and answers each input's stored row, in input order:
 * the new row, or the one stored before under the same idempotency key.
 */
export async function insertEvents(
  { db }: DomainContext,
  { events, deadline }: { events: EventToInsert[]; deadline?: Date },
): Promise<InsertedEvent[]> {
  if (events.length === 0) return [];
  const numbered = events.map(({ service, level, message, date, key }, i) => ({ i, service, level, message, date, key: key ?? null }));
  const records = await db.query(INSERT_EVENTS, [JSON.stringify(numbered), deadline?.toISOString() ?? null]);
  const inserted = records.map(eventRows.read).sort((a, b) => a.id - b.id);
  const stored = new Set(inserted.map((row) => row.idempotencyKey));
  const missingKeys = [...new Set(events.flatMap((event) => (event.key && !stored.has(event.key) ? [event.key] : [])))];
  const earlier = new Map<string, EventRow>();
  if (missingKeys.length > 0) {
    for (const record of await db.query(FIND_BY_KEYS, [missingKeys])) {
      const row = eventRows.read(record);
      earlier.set(row.idempotencyKey!, row);
    }
  }
  return pairWithInputs(events, inserted, earlier);
}

/**
 * Records events written by the server itself (deaths, restarts), dated `at` (now when
 * absent), and answers them in the protocol's form, in input order.
 */
export async function recordServerEvents(
  context: DomainContext,
  { events, at = context.clock.now() }: { events: Array<Omit<EventToInsert, 'date' | 'key'>>; at?: Date },
): Promise<Event[]> {
  const inserted = await insertEvents(context, { events: events.map((event) => ({ ...event, date: at.toISOString() })) });
  return inserted.map(({ row }) => toEvent(row));
}
