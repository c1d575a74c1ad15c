import type { Db } from '../../db/client.js';

// Events are partitioned by UTC day (migration 0012): `events_pYYYYMMDD` holds the events of
// that day, `events_default` any date no day partition covers. Partitions are made ahead of
// time, so that the default one stays empty in practice; a day whose events landed there
// anyway (a server stopped for longer than the days ahead) gets them moved into its
// partition when it is made (watchtower_event_partition does both).

/** How many days after today have their partition ready. */
export const PARTITION_DAYS_AHEAD = 7;

const DAY_MS = 86_400_000;

// Making or dropping a partition locks the whole events table for an instant; behind a long
// query it would wait, and every write to events would queue behind it. It gives up
// instead (PostgreSQL's error 55P03), and the next retention run tries again.
const LOCK_TIMEOUT = '1s';
const PARTITION_NAME = /^events_p(\d{4})(\d{2})(\d{2})$/;

/** One day partition of events: its name and the range of dates it holds, [from, to). */
export interface EventPartition {
  name: string;
  from: Date;
  to: Date;
}

/** The UTC midnight that starts the day of `at`. */
export function startOfDay(at: Date): Date {
  return new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
}

function isoDay(day: Date): string {
  return day.toISOString().slice(0, 10);
}

/**
 * Makes the partitions of the days from `from` to `to` (both included) that do not exist
 * yet; answers how many it made. Safe while other processes do the same.
 */
export async function createEventPartitions(db: Db, { from, to }: { from: Date; to: Date }): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.query(`set local lock_timeout = '${LOCK_TIMEOUT}'`, []);
    const [row] = await tx.query<{ made: string | number }>(
      `select count(*) filter (where watchtower_event_partition(day::date)) as made
       from generate_series($1::date, $2::date, interval '1 day') day`,
      [isoDay(from), isoDay(to)],
    );
    return Number(row?.made ?? 0);
  });
}

/** Makes the partitions of today and of the days ahead; answers how many it made. */
export function prepareEventPartitions(db: Db, now: Date): Promise<number> {
  const today = startOfDay(now);
  return createEventPartitions(db, { from: today, to: new Date(today.getTime() + PARTITION_DAYS_AHEAD * DAY_MS) });
}

/** The day partitions of events, oldest first (the default partition is not one of them). */
export async function listEventPartitions(db: Db): Promise<EventPartition[]> {
  const rows = await db.query<{ name: string }>(
    `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
     where i.inhparent = 'public.events'::regclass`,
    [],
  );
  return rows
    .flatMap(({ name }) => {
      const match = PARTITION_NAME.exec(name);
      if (!match) return [];
      const from = new Date(`${match[1]}-${match[2]}-${match[3]}T00:00:00Z`);
      return [{ name, from, to: new Date(from.getTime() + DAY_MS) }];
    })
    .sort((a, b) => a.from.getTime() - b.from.getTime());
}

// The advisory lock watchtower_event_partition takes: detaching and making partitions take turns.
const PARTITION_LOCK_KEY = 746_574_012;

/**
 * Drops one day partition whose every event is past retention (the keys of its events are
 * removed before, in batches). Answers false when another process dropped it first.
 *
 * Detached first, in a transaction of its own: that needs the whole events table for an
 * instant. The drop itself, whose commit removes the files (a quarter of a second for a
 * million events on a slow disk), then locks only the table dropped.
 */
export async function dropEventPartition(db: Db, partition: EventPartition): Promise<boolean> {
  const detached = await db.transaction(async (tx) => {
    await tx.query(`set local lock_timeout = '${LOCK_TIMEOUT}'`, []);
    await tx.query('select pg_advisory_xact_lock($1)', [PARTITION_LOCK_KEY]);
    const [found] = await tx.query<{ attached: boolean }>(
      `select exists (select 1 from pg_inherits where inhrelid = to_regclass($1) and inhparent = 'public.events'::regclass) as attached`,
      [`public.${partition.name}`],
    );
    if (!found?.attached) return false;
    await tx.query('delete from event_level_purges where partition = $1', [partition.name]);
    // The name comes from the catalog and matched PARTITION_NAME: safe to splice.
    await tx.query(`alter table events detach partition public.${partition.name}`, []);
    return true;
  });
  if (detached) await db.query(`drop table if exists public.${partition.name}`, []);
  return detached;
}

/**
 * Drops the tables of days detached but not dropped (a process stopped between the two):
 * committed, a day table outside events is always one of those.
 */
export async function dropDetachedPartitions(db: Db): Promise<number> {
  const rows = await db.query<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind = 'r' and not c.relispartition and c.relname ~ '^events_p[0-9]{8}$'`,
    [],
  );
  for (const { name } of rows) await db.query(`drop table if exists public.${name}`, []);
  return rows.length;
}
