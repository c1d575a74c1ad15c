import type { ListEventsQuery } from '@watchtower/protocol';
import { eventRows } from '../../db/rows.js';
import type { EventRow } from '../../db/schema.js';
import type { DomainContext } from '../context.js';
import { fromUnixSeconds } from '../views.js';
import { decodeCursor, encodeCursor } from './event-cursor.js';

/** Makes `%`, `_` and `\` plain characters in a LIKE pattern (backslash is LIKE's escape). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** The where clause of the given filters, with its parameters. */
function eventFilters(query: ListEventsQuery): { where: string; params: unknown[] } {
  const params: unknown[] = [];
  const filters: string[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (query.service !== undefined) filters.push(`service = ${param(query.service)}`);
  if (query.from !== undefined) filters.push(`date >= ${param(fromUnixSeconds(query.from).toISOString())}::timestamptz`);
  if (query.to !== undefined) filters.push(`date <= ${param(fromUnixSeconds(query.to).toISOString())}::timestamptz`);
  if (query.level !== undefined) filters.push(`level >= ${param(query.level)}::int`);
  if (query.message !== undefined) filters.push(`message ilike ${param(`%${escapeLike(query.message)}%`)}`);
  if (query.before !== undefined) {
    const cursor = decodeCursor(query.before);
    // A row comparison walks the (date, id) indexes from the cursor on.
    filters.push(`(date, id) < (${param(new Date(cursor.dateMs).toISOString())}::timestamptz, ${param(cursor.id)}::bigint)`);
  }
  return { where: filters.length > 0 ? `where ${filters.join(' and ')}` : '', params };
}

/** One page of events matching every given filter, newest first, and the cursor of the next. */
export async function listEvents({ db }: DomainContext, query: ListEventsQuery): Promise<{ events: EventRow[]; next: string | null }> {
  const { where, params } = eventFilters(query);
  // One row more than asked says whether another page follows. "nulls last" as the indexes
  // are built: only then can a page walk an index. The order names the table's columns: a
  // bare `date` would be the select list's epoch number, which no index holds. Not
  // prepared: a generic plan cannot tell a rare service, or a selective text, from a common one.
  const records = await db.query(
    `select ${eventRows.columns()} from events ${where}
     order by events.date desc nulls last, events.id desc nulls last limit $${params.length + 1}`,
    [...params, query.limit + 1],
    { prepare: false },
  );
  const rows = records.map(eventRows.read);
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const next = rows.length > query.limit && last ? encodeCursor({ dateMs: last.date.getTime(), id: last.id }) : null;
  return { events: page, next };
}
