import { runRows } from '../../db/rows.js';
import type { RunRow } from '../../db/schema.js';
import type { DomainContext } from '../context.js';
import { DomainError } from '../errors.js';
import { serviceNotFound } from './configure-service.js';

const encodeRunCursor = (id: number) => Buffer.from(`run:${id}`, 'utf8').toString('base64url');

function decodeRunCursor(text: string): number {
  const match = /^run:(\d{1,16})$/.exec(Buffer.from(text, 'base64url').toString('utf8'));
  const id = Number(match?.[1]);
  if (!match || !Number.isSafeInteger(id)) {
    throw new DomainError('VALIDATION_FAILED', 'before must be the cursor returned as next by a previous page of runs');
  }
  return id;
}

/** A service's runs, newest first, a page at a time, and the cursor of the next page. */
export async function listRuns(
  { db }: DomainContext,
  { service, limit, before }: { service: string; limit: number; before?: string | undefined },
): Promise<{ runs: RunRow[]; next: string | null }> {
  const [known] = await db.query('select 1 from heartbeats where service = $1', [service]);
  if (!known) throw serviceNotFound(service);
  const beforeId = before === undefined ? null : decodeRunCursor(before);
  // One row more than asked says whether another page follows.
  const records = await db.query(
    `select ${runRows.columns()} from runs where service = $1 and ($2::bigint is null or id < $2)
     order by id desc limit $3`,
    [service, beforeId, limit + 1],
  );
  const rows = records.map(runRows.read);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { runs: page, next: rows.length > limit && last ? encodeRunCursor(last.id) : null };
}

/** The newest run of each of these services. */
export async function latestRuns({ db }: DomainContext, { services }: { services: string[] }): Promise<Map<string, RunRow>> {
  if (services.length === 0) return new Map();
  const records = await db.query(
    `select ${runRows.columns('r')} from unnest($1::text[]) as s(service)
     cross join lateral (select * from runs where runs.service = s.service order by id desc limit 1) r`,
    [services],
  );
  return new Map(records.map(runRows.read).map((run) => [run.service, run]));
}
