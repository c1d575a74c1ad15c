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

// One prepared statement for any number of events: the columns travel as arrays, one
// parameter each, and unnest turns them back into rows. Ids are drawn in input order (the
// rows of unnest come in array order), so the ids answered, sorted, line up with the
// inputs. Only ids come back: the rest of each row is what was sent. Past its deadline
// (when given) the statement fails whole.
const INSERT_EVENTS = `
with inserted as (
  insert into events (service, level, message, date)
  select * from unnest($1::text[], $2::int[], $3::text[], $4::timestamptz[])
  returning id
)
select id from inserted where $5::timestamptz is null or watchtower_write_deadline($5::timestamptz)`;

// Events with idempotency keys: keys are claimed first in event_keys (unique across every
// partition of events, in key order so that two batches never wait on each other in a
// circle); an input whose key was taken already is skipped, as is a repeat of a key within
// the batch.
const INSERT_KEYED_EVENTS = `
with input as (
  select * from unnest($1::text[], $2::int[], $3::text[], $4::timestamptz[], $6::text[]) with ordinality as x(service, level, message, date, key, i)
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
  returning id, idempotency_key
)
select id, idempotency_key from inserted where $5::timestamptz is null or watchtower_write_deadline($5::timestamptz)`;

const FIND_BY_KEYS = `select ${eventRows.columns()} from events where idempotency_key = any($1::text[])`;

interface InsertedId {
  id: number;
  key: string | null;
}

/** The row an input became, from what was sent and the id it was given. */
function storedRow(event: EventToInsert, id: number): EventRow {
  return {
    id,
    service: event.service,
    level: event.level,
    message: event.message,
    date: new Date(event.date),
    idempotencyKey: event.key ?? null,
  };
}

/** Pairs each input with its stored row: the one just inserted, or the one stored before under its key. */
function pairWithInputs(events: EventToInsert[], inserted: InsertedId[], earlier: Map<string, EventRow>): InsertedEvent[] {
  const byKey = new Map(inserted.flatMap(({ id, key }) => (key === null ? [] : [[key, id] as const])));
  const unkeyed = inserted.filter(({ key }) => key === null);
  const created = new Map<string, EventRow>();
  let next = 0;
  return events.map((event) => {
    if (!event.key) return { row: storedRow(event, unkeyed[next++]!.id), created: true };
    const fresh = byKey.get(event.key);
    if (fresh !== undefined) {
      // A key given twice in one batch: the first input created the row.
      const first = created.get(event.key);
      if (first) return { row: first, created: false };
      const row = storedRow(event, fresh);
      created.set(event.key, row);
      return { row, created: true };
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
  const count = events.length;
  const services = new Array<string>(count);
  const levels = new Array<number>(count);
  const messages = new Array<string>(count);
  const dates = new Array<string>(count);
  let keyed = false;
  for (let i = 0; i < count; i++) {
    const event = events[i]!;
    services[i] = event.service;
    levels[i] = event.level;
    messages[i] = event.message;
    dates[i] = event.date;
    if (event.key) keyed = true;
  }
  const params: unknown[] = [services, levels, messages, dates, deadline?.toISOString() ?? null];
  if (keyed) params.push(events.map((event) => event.key ?? null));
  const records = await db.query<{ id: unknown; idempotency_key?: string | null }>(keyed ? INSERT_KEYED_EVENTS : INSERT_EVENTS, params);
  const inserted = records.map((record) => ({ id: Number(record.id), key: record.idempotency_key ?? null })).sort((a, b) => a.id - b.id);
  const stored = new Set(inserted.map(({ key }) => key));
  const missingKeys = keyed ? [...new Set(events.flatMap((event) => (event.key && !stored.has(event.key) ? [event.key] : [])))] : [];
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
