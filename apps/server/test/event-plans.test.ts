import { ListEventsQuery } from '@watchtower/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, LISTING_RANDOM_PAGE_COST, type Query } from '../src/db/client.js';
import { listEvents } from '../src/domain/events/list-events.js';
import { createEventPartitions } from '../src/domain/retention/event-partitions.js';
import { systemClock } from '../src/lib/clock.js';
import { createTestStorage } from './support/databases.js';

// A page of events must walk an index, never sort the whole table: with a large table that
// is the difference between a millisecond and seconds. Events are partitioned by day: a
// page merges the partitions' index scans, each already in order (a Merge Append, whose
// "Sort Key" line is no sort).

/** A statement as a verb ran it. */
interface Captured {
  text: string;
  params: unknown[];
}

/** Runs what a verb would run, but answers nothing and keeps the statements. */
function capturing(): { db: Db; statements: Captured[] } {
  const statements: Captured[] = [];
  const query: Query = async (text, params) => {
    statements.push({ text, params });
    return [];
  };
  const db: Db = { query, transaction: (work) => work(db) };
  return { db, statements };
}

/** The plan PostgreSQL chooses for a captured statement, as text, with the settings the server plans pages with. */
async function planOf(storage: Db, statement: Captured): Promise<string> {
  const rows = await storage.transaction(async (tx) => {
    await tx.query(`set local random_page_cost = ${LISTING_RANDOM_PAGE_COST}`, [], { prepare: false });
    return tx.query<{ 'QUERY PLAN': string }>(`explain ${statement.text}`, statement.params, { prepare: false });
  });
  return rows.map((row) => row['QUERY PLAN']).join('\n');
}

const partitionsIn = (plan: string) => new Set(plan.match(/events_(p\d{8}|default)\b/g)).size;

describe('the plan of the events list on postgres', () => {
  let storage: Awaited<ReturnType<typeof createTestStorage>>;
  beforeAll(async () => {
    storage = await createTestStorage('postgres');
    // The events below span twelve days back; a month of days in all, as retention keeps.
    await createEventPartitions(storage, { from: new Date(Date.now() - 30 * 86_400_000), to: new Date() });
    await storage.query(
      `insert into events (service, level, message, date)
       select 's' || (i % 50), 20, 'm' || i, now() - i * interval '10 seconds' from generate_series(1, 100000) i`,
      [],
    );
    await storage.query('analyze events', []);
  });
  afterAll(() => storage?.close());

  it('reads a page of events by index, with and without filters, without sorting the table', async () => {
    for (const query of [{}, { service: 's7' }, { level: 'info' }]) {
      const { db, statements } = capturing();
      await listEvents({ db, clock: systemClock }, ListEventsQuery.parse(query));
      // The page is looked for among the newest partitions first (a few days: sorting what
      // matches there, if the planner likes, is no sort of the table), then among all.
      expect(statements).toHaveLength(2);
      const [first, all] = [await planOf(storage, statements[0]!), await planOf(storage, statements[1]!)];
      expect(partitionsIn(first)).toBeLessThanOrEqual(11);
      expect(partitionsIn(all)).toBeGreaterThan(30);
      expect({ query, plan: all }).toEqual({ query, plan: expect.stringMatching(/Index Scan/) });
      expect({ query, plan: all }).toEqual({ query, plan: expect.not.stringMatching(/^\s*(->\s+)?(Incremental )?Sort\s+\(/m) });
    }
  });
});

describe('the statistics of event messages on postgres', () => {
  let storage: Awaited<ReturnType<typeof createTestStorage>>;
  beforeAll(async () => {
    storage = await createTestStorage('postgres');
  });
  afterAll(() => storage?.close());

  it("samples 1,000 messages a day's partition, for the days made at start-up and later", async () => {
    // A common word's share estimated from 100 sampled messages swung from 0.01 % to 2 %
    // between two ANALYZE runs, and the plan with it (walk the newest events or gather all
    // matches). Partitions do not inherit the setting from the table.
    await createEventPartitions(storage, { from: new Date(Date.now() - 3 * 86_400_000), to: new Date(Date.now() + 30 * 86_400_000) });
    const targets = await storage.query<{ partition: string; target: number }>(
      `select c.relname as partition, a.attstattarget as target
       from pg_inherits i join pg_class c on c.oid = i.inhrelid
       join pg_attribute a on a.attrelid = c.oid and a.attname = 'message'
       where i.inhparent = 'events'::regclass`,
      [],
    );
    expect(targets.length).toBeGreaterThan(30);
    expect(targets.filter(({ target }) => target !== 1000)).toEqual([]);
  });
});
