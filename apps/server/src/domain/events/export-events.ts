import { levelName, type EventHistogramQuery, type ExportFormat, type HistogramBucket } from '@watchtower/protocol';
import { LIMITS } from '@watchtower/protocol';
import { eventRows } from '../../db/rows.js';
import type { EventRow } from '../../db/schema.js';
import type { DomainContext } from '../context.js';
import { DomainError } from '../errors.js';
import { fromUnixSeconds, toEvent } from '../views.js';
import { type EventFilters, type ExactCursor, eventFilters } from './list-events.js';

/** Rows read from the database at a time by an export. */
export const EXPORT_PAGE_SIZE = 2_000;

/**
 * Every event matching the filters, oldest first, a page at a time: each page is a keyset
 * query after the last row of the one before, so only one page is held at once, on either
 * database. Events written during the export are included when they sort after the page
 * being read (new events always do).
 */
export async function* exportEventPages(
  { db }: DomainContext,
  filters: EventFilters,
  pageSize = EXPORT_PAGE_SIZE,
): AsyncGenerator<EventRow[]> {
  let after: ExactCursor | undefined;
  for (;;) {
    const { where, params } = eventFilters(filters, undefined, after);
    // Ascending "nulls first": the newest-first indexes walked backwards. Not prepared, as for
    // the list: the plan depends on the filters' values and the partitions they rule out.
    const records = await db.query(
      `select ${eventRows.columns()}, events.date::text as cursor_date from events ${where}
       order by events.date asc nulls first, events.id asc nulls first limit $${params.length + 1}`,
      [...params, pageSize],
      { prepare: false },
    );
    const rows = records.map(eventRows.read);
    if (rows.length > 0) yield rows;
    const last = records[records.length - 1];
    if (rows.length < pageSize || !last) return;
    // The date as the database holds it: a date finer than milliseconds reads on exactly.
    after = { date: String(last.cursor_date), id: Number(last.id) };
  }
}

export const CSV_HEADER = 'id,date,service,level,message\r\n';

/**
 * One text cell of CSV (RFC 4180): quoted when it holds a quote, a comma or a line break.
 * A cell a spreadsheet would read as a formula (starting with =, +, -, @, a tab or a carriage
 * return) is prefixed with ' so that it stays text.
 */
export function csvCell(text: string): string {
  const guarded = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

/** A page of events as the lines of the given format. */
export function formatEvents(rows: EventRow[], format: ExportFormat): string {
  if (format === 'ndjson') return rows.map((row) => `${JSON.stringify(toEvent(row))}\n`).join('');
  return rows.map((row) => `${row.id},${row.date.toISOString()},${csvCell(row.service)},${row.level},${csvCell(row.message)}\r\n`).join('');
}

const DAY_SECONDS = 86_400;

/** The range a histogram covers, in Unix seconds: the filters' from and to, or the day before now. */
function histogramRange(query: EventHistogramQuery, now: Date): { from: number; to: number } {
  const to = query.to ?? now.getTime() / 1000;
  const from = query.from ?? to - DAY_SECONDS;
  if (from > to) throw new DomainError('VALIDATION_FAILED', 'from must not be after to');
  return { from, to };
}

/**
 * How many events the filters match, by level, in buckets of `bucket` seconds starting at
 * multiples of it: one grouped query, counted by the database. Every bucket of the range is
 * answered, empty ones too.
 */
export async function eventHistogram({ db, clock }: DomainContext, query: EventHistogramQuery): Promise<HistogramBucket[]> {
  const { from, to } = histogramRange(query, clock.now());
  const { bucket } = query;
  const first = Math.floor(from / bucket);
  const last = Math.floor(to / bucket);
  const count = last - first + 1;
  if (count > LIMITS.histogramMaxBuckets) {
    const widest = Math.ceil((to - from) / (LIMITS.histogramMaxBuckets - 1));
    throw new DomainError(
      'VALIDATION_FAILED',
      `bucket ${bucket} s would cut the range from ${fromUnixSeconds(from).toISOString()} to ${fromUnixSeconds(to).toISOString()} into ${count} buckets; at most ${LIMITS.histogramMaxBuckets} are answered: make bucket at least ${widest} s or the range shorter`,
    );
  }
  const { where, params } = eventFilters({ ...query, from, to });
  const records = await db.query<{ slot: string | number; level: number; n: number }>(
    `select floor(extract(epoch from date) / $${params.length + 1}::int)::bigint as slot, level, count(*)::int as n
     from events ${where} group by 1, 2`,
    [...params, bucket],
    { prepare: false },
  );
  const buckets: HistogramBucket[] = Array.from({ length: count }, (_, i) => ({ at: (first + i) * bucket, counts: {} }));
  for (const record of records) {
    const target = buckets[Number(record.slot) - first];
    if (target) target.counts[levelName(Number(record.level))] = Number(record.n);
  }
  return buckets;
}
