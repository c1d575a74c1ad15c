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

/** A row's (date, id) with the date as the database wrote it (to the microsecond), to read on after it. */
export interface ExactCursor {
  date: string;
  id: number;
}

/** The filters an event search may hold: the list's, with or without its cursor. */
export type EventFilters = Pick<ListEventsQuery, 'service' | 'from' | 'to' | 'level' | 'message'> & { before?: string | undefined };

/**
 * The where clause of the given filters, with its parameters; `since` bounds the dates
 * searched, and `after` starts after this (date, id), for pages read oldest first.
 */
export function eventFilters(query: EventFilters, since?: Date, after?: ExactCursor): { where: string; params: unknown[] } {
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
    // Implied by the row comparison, but only a plain bound lets the planner skip partitions.
    filters.push(`date <= ${param(new Date(cursor.dateMs).toISOString())}::timestamptz`);
  }
  if (since !== undefined) filters.push(`date >= ${param(since.toISOString())}::timestamptz`);
  if (after !== undefined) {
    // Sent as text: the driver would read a timestamptz parameter into a Date, to the millisecond.
    const date = `${param(after.date)}::text::timestamptz`;
    filters.push(`(date, id) > (${date}, ${param(after.id)}::bigint)`);
    filters.push(`date >= ${date}`);
  }
  return { where: filters.length > 0 ? `where ${filters.join(' and ')}` : '', params };
}

const DAY_MS = 86_400_000;
// 0001-01-01T00:00:00Z, the first day the date filters accept.
const FIRST_DAY_MS = -62_135_596_800_000;

/**
 * Where a page is looked for first: from the day before the newest date it may hold (the
 * cursor's, the `to` filter's, or now) on. Events are partitioned by day, and planning and
 * starting a scan of every partition (90 and more) costs several times a page of the
 * newest few; a page found whole there is the page, since every row outside is older.
 * Undefined when the filters bound the dates as closely already.
 */
function firstWindow(query: ListEventsQuery, now: Date): Date | undefined {
  const anchorMs =
    query.before !== undefined
      ? decodeCursor(query.before).dateMs
      : query.to !== undefined
        ? fromUnixSeconds(query.to).getTime()
        : now.getTime();
  const since = new Date(Math.floor(anchorMs / DAY_MS) * DAY_MS - DAY_MS);
  // Before the year 1 the databases refuse the date: nothing older to skip there anyway.
  if (!(since.getTime() >= FIRST_DAY_MS)) return undefined;
  if (query.from !== undefined && fromUnixSeconds(query.from).getTime() >= since.getTime()) return undefined;
  return since;
}

async function selectPage({ db }: DomainContext, query: ListEventsQuery, since?: Date): Promise<EventRow[]> {
  const { where, params } = eventFilters(query, since);
  // One row more than asked says whether another page follows. "nulls last" as the indexes
  // are built: only then can a page walk an index. The order names the table's columns: a
  // bare `date` would be the select list's epoch number, which no index holds. Not
  // prepared: a generic plan cannot tell a rare service, or a selective text, from a common
  // one (nor skip the partitions its dates rule out).
  const records = await db.query(
    `select ${eventRows.columns()} from events ${where}
     order by events.date desc nulls last, events.id desc nulls last limit $${params.length + 1}`,
    [...params, query.limit + 1],
    { prepare: false },
  );
  return records.map(eventRows.read);
}

/** One page of events matching every given filter, newest first, and the cursor of the next. */
export async function listEvents(context: DomainContext, query: ListEventsQuery): Promise<{ events: EventRow[]; next: string | null }> {
  const since = firstWindow(query, context.clock.now());
  let rows = since === undefined ? [] : await selectPage(context, query, since);
  if (since === undefined || rows.length <= query.limit) rows = await selectPage(context, query);
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const next = rows.length > query.limit && last ? encodeCursor({ dateMs: last.date.getTime(), id: last.id }) : null;
  return { events: page, next };
}
