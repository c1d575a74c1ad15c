import type { Event, ListEventsQuery } from '@watchtower/protocol';
import { and, eq, gte, ilike, lte, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { events, type EventRow } from '../../db/schema.js';
import { decodeCursor, encodeCursor } from './event-cursor.js';

/** Makes `%`, `_` and `\` plain characters in a LIKE pattern (backslash is LIKE's escape). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

export function toEvent(row: EventRow): Event {
  return {
    id: row.id,
    service: row.service,
    level: row.level,
    message: row.message,
    date: row.date.getTime() / 1000,
  };
}

/** One page of events matching every given filter, newest first, and the cursor of the next. */
export async function listEvents(db: Database, query: ListEventsQuery): Promise<{ events: EventRow[]; next: string | null }> {
  const filters: SQL[] = [];
  if (query.service !== undefined) filters.push(eq(events.service, query.service));
  if (query.from !== undefined) filters.push(gte(events.date, new Date(query.from * 1000)));
  if (query.to !== undefined) filters.push(lte(events.date, new Date(query.to * 1000)));
  if (query.level !== undefined) filters.push(gte(events.level, query.level));
  if (query.message !== undefined) filters.push(ilike(events.message, `%${escapeLike(query.message)}%`));
  if (query.before !== undefined) {
    const cursor = decodeCursor(query.before);
    const at = new Date(cursor.dateMs).toISOString();
    // A row comparison walks the (date, id) indexes from the cursor on.
    filters.push(sql`(${events.date}, ${events.id}) < (${at}::timestamptz, ${cursor.id}::bigint)`);
  }
  // One row more than asked says whether another page follows.
  const rows = await db
    .select()
    .from(events)
    .where(and(...filters))
    // "nulls last" as the indexes are built: only then can a page walk an index.
    .orderBy(sql`${events.date} desc nulls last`, sql`${events.id} desc nulls last`)
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const next = rows.length > query.limit && last ? encodeCursor({ dateMs: last.date.getTime(), id: last.id }) : null;
  return { events: page, next };
}
