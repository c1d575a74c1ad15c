// Millions of events, written straight into the partitioned events table of a migrated
// database: each day before today in its own table, filled by one INSERT … SELECT from
// generate_series inside the database (no rows cross the wire), then attached, so that its
// indexes are built once over the whole day, as a bulk load would. Used by bench:export,
// bench:retention and bench:lists, on PostgreSQL (the `postgres` driver) and PGlite.
import { isInterrupted } from './children.mjs';

const DAY_MS = 86_400_000;

/**
 * What the seeded events look like, so that a bench can pick filters of known selectivity:
 * services are skewed (the first few hold most events), levels are mostly debug and info,
 * and a few words appear in the messages at set rates (in any letter case).
 */
export const SEEDED = {
  services: 1_000,
  // service `svc-K` holds the events whose draw r (uniform in [0, 1)) has K = floor(1000 · r³).
  serviceShare: (k) => Math.cbrt((k + 1) / 1_000) - Math.cbrt(k / 1_000),
  // level ≥ this: the share of events
  levelShare: { 10: 1, 20: 0.7, 30: 0.15, 40: 0.05, 50: 0.01 },
  words: { common: { word: 'timeout', share: 0.02 }, rare: { word: 'deadlock', share: 0.0001 }, absent: { word: 'panic', share: 0 } },
};

const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);

/** The name the server gives the partition of the UTC day starting at `ms` (watchtower_event_partition). */
export const partitionName = (ms) => `events_p${isoDay(ms).replaceAll('-', '')}`;

// One row per i of the day: its date spread evenly over the day, its service, level and
// message drawn from random() (three draws per row, in the subquery).
const FILL = `
  insert into %TABLE% (service, level, message, date)
  select 'svc-' || floor(1000 * power(s, 3))::int,
    case when l < 0.30 then 10 when l < 0.85 then 20 when l < 0.95 then 30 when l < 0.99 then 40 else 50 end,
    case
      when m < 0.0001 then 'job ' || (i % 997) || ': Deadlock detected, transaction retried'
      when m < 0.0201 then 'request ' || (i % 5000) || case when m < 0.0101 then ': Timeout' else ': timeout' end || ' from "upstream" after 30 s'
      else 'request ' || (i % 5000) || ' done in ' || (i % 251) || ' ms'
    end,
    $1::timestamptz + (i::float8 / $2) * interval '1 day'
  from (select i, random() as s, random() as l, random() as m from generate_series(0, $2 - 1) i) draws`;

/** The `postgres` driver as a seeding target. */
export function postgresTarget(sql) {
  return {
    run: (text, params = []) => sql.unsafe(text, params),
    transaction: (work) => sql.begin((tx) => work({ run: (text, params = []) => tx.unsafe(text, params) })),
  };
}

/** A PGlite instance as a seeding target. */
export function pgliteTarget(pg) {
  return {
    run: async (text, params = []) => (await pg.query(text, params)).rows,
    transaction: (work) => pg.transaction((tx) => work({ run: async (text, params = []) => (await tx.query(text, params)).rows })),
  };
}

/**
 * Fills the `days` days before today, oldest first, with `events` events in all; answers
 * each day's table and the seconds it took. `target` is postgresTarget or pgliteTarget.
 * Then ANALYZE, or with `vacuum` VACUUM ANALYZE, as autovacuum would do soon after such a
 * load on a real server (it also sets the hint bits that the first reads would set).
 */
export async function seedEvents(target, { events, days, vacuum = false, log = console.log }) {
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const perDay = Math.ceil(events / days);
  await target.run(`set maintenance_work_mem = '256MB'`);
  const seeded = [];
  for (let d = days; d >= 1; d--) {
    if (isInterrupted()) throw new Error('interrupted');
    const from = today - d * DAY_MS;
    const name = partitionName(from);
    const started = Date.now();
    // One transaction: the server's retention never sees the day's table unattached.
    await target.transaction(async (tx) => {
      await tx.run(`create table ${name} (like events including defaults)`);
      // As the server makes a day's partition (migration 0014): partitions do not inherit it.
      await tx.run(`alter table ${name} alter column message set statistics 1000`);
      await tx.run(FILL.replace('%TABLE%', name), [new Date(from).toISOString(), perDay]);
      await tx.run(
        `alter table events attach partition ${name} for values from ('${new Date(from).toISOString()}') to ('${new Date(from + DAY_MS).toISOString()}')`,
      );
    });
    const seconds = (Date.now() - started) / 1000;
    seeded.push({ name, seconds });
    log(`  ${name}: ${perDay.toLocaleString('en-US')} events in ${seconds.toFixed(1)} s`);
  }
  await target.run(vacuum ? 'vacuum (analyze) events' : 'analyze events');
  return seeded;
}
