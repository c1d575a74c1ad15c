import { LEVEL_NAMES, LEVELS, type LevelName } from '@watchtower/protocol';
import type { Db } from '../../db/client.js';
import type { DomainContext } from '../context.js';
import { dropDetachedPartitions, dropEventPartition, listEventPartitions, prepareEventPartitions } from './event-partitions.js';

/** How long each kind of record is kept, in days. */
export interface RetentionSettings {
  eventsDays: number;
  /** Events of these levels are kept this long instead (longer or shorter). */
  eventsDaysByLevel: Partial<Record<LevelName, number>>;
  /** Alerts no longer pending (sent, failed, superseded), by creation. */
  alertsDays: number;
  /** Runs that ended, by their end. */
  runsDays: number;
  /** Flips (history), by their time; a service's last one before the limit stays. */
  historyDays: number;
}

export interface RetentionOutcome {
  partitionsCreated: number;
  partitionsDropped: number;
  /** Events deleted row by row: levels kept shorter than others, and the default partition. */
  eventsDeleted: number;
  alertsDeleted: number;
  runsDeleted: number;
  flipsDeleted: number;
}

/**
 * Rows deleted by one statement. Each batch is its own short transaction, so deleting
 * millions of rows never holds locks for long, and vacuum can reclaim as it goes.
 */
export const RETENTION_BATCH = 2_000;

const DAY_MS = 86_400_000;
const INT_MIN = -2_147_483_648;

/**
 * The levels a per-level setting covers: from the named level up to the next one, so that
 * `35` goes with warning; levels below debug (0, the default) go with debug.
 */
const LEVEL_RANGES = LEVEL_NAMES.map((name, i) => {
  const next = LEVEL_NAMES[i + 1];
  return { name, from: i === 0 ? INT_MIN : LEVELS[name], below: next === undefined ? null : LEVELS[next] };
});

type LevelRange = { from: number; below: number | null };
const EVERY_LEVEL: LevelRange = { from: INT_MIN, below: null };

/** Runs `batch` until it deletes fewer than a full batch; answers the rows deleted in all. */
async function deleteInBatches(batch: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await batch();
    total += deleted;
    if (deleted < RETENTION_BATCH) return total;
  }
}

async function countOf(db: Db, text: string, params: unknown[]): Promise<number> {
  const [row] = await db.query<{ n: number | string }>(text, params);
  return Number(row?.n ?? 0);
}

// With the idempotency keys of the rows deleted. Tables are named from the catalog (or are
// events_default): safe to splice.
const DELETED_KEYS = `keys as (delete from event_keys where key in (select idempotency_key from gone where idempotency_key is not null))`;

/** Deletes one batch of events of a level range dated before `before` from the default partition, found by date. */
function deleteDefaultBatch(db: Db, levels: LevelRange, before: Date): Promise<number> {
  return countOf(
    db,
    `with gone as (
       delete from events_default where ctid = any(array(
         select ctid from events_default
         where level >= $1 and ($2::int is null or level < $2) and date < $3 limit $4))
       returning idempotency_key
     ), ${DELETED_KEYS}
     select count(*) as n from gone`,
    [levels.from, levels.below, before.toISOString(), RETENTION_BATCH],
  );
}

/** Pages of a day partition one batch reads: about 8,000 short events, a bounded piece of work. */
export const PAGES_PER_BATCH = 128;

/**
 * Deletes the events of a level range from one day partition, a range of its pages at a
 * time (a TID range scan): no batch reads again what an earlier one read, as a batch that
 * searched for matching rows from the start would.
 */
async function purgePartition(db: Db, table: string, levels: LevelRange): Promise<number> {
  const [size] = await db.query<{ pages: number | string }>(
    `select pg_relation_size($1::regclass) / current_setting('block_size')::int as pages`,
    [`public.${table}`],
  );
  const pages = Number(size?.pages ?? 0);
  let deleted = 0;
  for (let page = 0; page < pages; page += PAGES_PER_BATCH) {
    deleted += await countOf(
      db,
      `with gone as (
         delete from public.${table}
         where ctid >= $3::tid and ctid < $4::tid and level >= $1 and ($2::int is null or level < $2)
         returning idempotency_key
       ), ${DELETED_KEYS}
       select count(*) as n from gone`,
      [levels.from, levels.below, `(${page},0)`, `(${page + PAGES_PER_BATCH},0)`],
    );
  }
  return deleted;
}

function deleteKeyBatch(db: Db, before: Date): Promise<number> {
  return countOf(
    db,
    `with gone as (delete from event_keys where key in (select key from event_keys where date < $1 limit $2) returning 1)
     select count(*) as n from gone`,
    [before.toISOString(), RETENTION_BATCH],
  );
}

/** True for PostgreSQL's "lock not available": a drop that gave up waiting (lock_timeout). */
function isLockTimeout(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '55P03';
}

/** Drops the partitions past the longest retention; answers how many it dropped. */
async function dropExpiredPartitions(db: Db, before: Date): Promise<number> {
  let dropped = await dropDetachedPartitions(db);
  for (const partition of await listEventPartitions(db)) {
    if (partition.to > before) break;
    await deleteInBatches(() => deleteKeyBatch(db, partition.to));
    try {
      if (await dropEventPartition(db, partition)) dropped++;
    } catch (error) {
      // Busy: the next run drops it.
      if (isLockTimeout(error)) break;
      throw error;
    }
  }
  return dropped;
}

/**
 * Deletes the events of levels kept shorter than the longest retention, in the partitions
 * (and the default one) past their limit. A partition is scanned once per level: the
 * purges done are recorded, and dropped with it.
 */
async function purgeShortLivedLevels(db: Db, cutoff: (days: number) => Date, days: (level: LevelName) => number, longest: number) {
  let deleted = 0;
  const done = new Set(
    (await db.query<{ partition: string; level: string }>('select partition, level from event_level_purges', [])).map(
      (row) => `${row.partition}/${row.level}`,
    ),
  );
  const partitions = await listEventPartitions(db);
  for (const range of LEVEL_RANGES) {
    const limit = days(range.name);
    if (limit >= longest) continue;
    const before = cutoff(limit);
    for (const partition of partitions) {
      if (partition.to > before) break;
      if (done.has(`${partition.name}/${range.name}`)) continue;
      deleted += await purgePartition(db, partition.name, range);
      await db.query('insert into event_level_purges (partition, level) values ($1, $2) on conflict do nothing', [
        partition.name,
        range.name,
      ]);
    }
    // The default partition holds few rows, if any: found by its date index each time.
    deleted += await deleteInBatches(() => deleteDefaultBatch(db, range, before));
  }
  return deleted;
}

async function expireEvents(db: Db, now: Date, settings: RetentionSettings) {
  const days = (level: LevelName) => settings.eventsDaysByLevel[level] ?? settings.eventsDays;
  const longest = Math.max(...LEVEL_NAMES.map(days));
  const cutoff = (limit: number) => new Date(now.getTime() - limit * DAY_MS);
  const partitionsDropped = await dropExpiredPartitions(db, cutoff(longest));
  let eventsDeleted = await deleteInBatches(() => deleteDefaultBatch(db, EVERY_LEVEL, cutoff(longest)));
  eventsDeleted += await purgeShortLivedLevels(db, cutoff, days, longest);
  return { partitionsDropped, eventsDeleted };
}

function expireAlerts(db: Db, before: Date): Promise<number> {
  return deleteInBatches(() =>
    countOf(
      db,
      `with gone as (
         delete from alerts where id in (select id from alerts where created_at < $1 and status <> 'pending' limit $2) returning 1
       ) select count(*) as n from gone`,
      [before.toISOString(), RETENTION_BATCH],
    ),
  );
}

function expireRuns(db: Db, before: Date): Promise<number> {
  return deleteInBatches(() =>
    countOf(
      db,
      `with gone as (delete from runs where id in (select id from runs where ended_at < $1 limit $2) returning 1)
       select count(*) as n from gone`,
      [before.toISOString(), RETENTION_BATCH],
    ),
  );
}

// A service's last flip before the limit says which state it was in when the kept history
// begins (uptime reads it): it stays, and so does the server's own.
function expireFlips(db: Db, before: Date): Promise<number> {
  return deleteInBatches(() =>
    countOf(
      db,
      `with gone as (
         delete from flips where id in (
           select f.id from flips f
           where f.at < $1
             and exists (select 1 from flips n where n.service = f.service and n.at <= $1 and (n.at, n.id) > (f.at, f.id))
           limit $2)
         returning 1
       ) select count(*) as n from gone`,
      [before.toISOString(), RETENTION_BATCH],
    ),
  );
}

/**
 * Makes the event partitions of the days ahead, and removes what is past retention: whole
 * partitions of events, then rows in bounded batches. Safe while another process runs it
 * too: each step tolerates finding its work done.
 */
export async function applyRetention({ db, clock }: DomainContext, settings: RetentionSettings): Promise<RetentionOutcome> {
  const now = clock.now();
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
  // Busy (lock timeout): the days ahead leave time for the next run to make them.
  const partitionsCreated = await prepareEventPartitions(db, now).catch((error: unknown) => {
    if (isLockTimeout(error)) return 0;
    throw error;
  });
  const events = await expireEvents(db, now, settings);
  return {
    partitionsCreated,
    ...events,
    alertsDeleted: await expireAlerts(db, before(settings.alertsDays)),
    runsDeleted: await expireRuns(db, before(settings.runsDays)),
    flipsDeleted: await expireFlips(db, before(settings.historyDays)),
  };
}
