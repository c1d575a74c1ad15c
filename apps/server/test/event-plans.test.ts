import { ListEventsQuery } from '@watchtower/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, Query } from '../src/db/client.js';
import { listEvents } from '../src/domain/events/list-events.js';
import { createEventPartitions } from '../src/domain/retention/event-partitions.js';
import { systemClock } from '../src/lib/clock.js';
import { createTestStorage } from './support/databases.js';

// A page of events must walk an index, never sort the whole table: with a large table that
// is the difference between a millisecond and seconds. Events are partitioned by day: a
// page merges the partitions' index scans, each already in order (a Merge Append, whose
// "Sort Key" line is no sort).

/** A statement as a verb ran it, with the settings it ran before it in its transaction. */
interface Captured {
  text: string;
  params: unknown[];
  settings: string[];
}

/** Runs what a verb would run, but answers nothing and keeps the statements. */
function capturing(): { db: Db; statements: Captured[] } {
  const statements: Captured[] = [];
  let settings: string[] = [];
  const query: Query = async (text, params) => {
    if (/^\s*set /i.test(text)) settings.push(text);
    else {
      statements.push({ text, params, settings });
      settings = [];
    }
    return [];
  };
  const db: Db = { query, transaction: (work) => work(db) };
  return { db, statements };
}

/** The plan PostgreSQL chooses for a captured statement, as text. */
async function planOf(storage: Db, statement: Captured): Promise<string> {
  const rows = await storage.transaction(async (tx) => {
    for (const setting of statement.settings) await tx.query(setting, [], { prepare: false });
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

describe('the plan of filtered pages on postgres', () => {
  let storage: Awaited<ReturnType<typeof createTestStorage>>;
  const now = Date.now();
  beforeAll(async () => {
    storage = await createTestStorage('postgres');
    await createEventPartitions(storage, { from: new Date(now - 15 * 86_400_000), to: new Date(now) });
    // Written in date order, as events arrive: one message in fifty holds "timeout", one
    // event in a hundred is critical, each drawn on its own.
    await storage.transaction(async (tx) => {
      await tx.query('select setseed(0.5)', []);
      await tx.query(
        `insert into events (service, level, message, date)
         select case when s < 0.1 then 'busy' else 's' || floor(s * 1000)::int end,
           case when l < 0.01 then 50 else 20 end,
           case when m < 0.02 then 'request ' || i || ': timeout' else 'request ' || i || ' done' end,
           $1::timestamptz - (200000 - i) * interval '1 second'
         from (select i, random() as s, random() as l, random() as m from generate_series(1, 200000) i) draws`,
        [new Date(now).toISOString()],
      );
    });
    await storage.query('analyze events', []);
  });
  afterAll(() => storage?.close());

  it('finds the events of a level with a word through one index of both', async () => {
    const { db, statements } = capturing();
    await listEvents({ db, clock: systemClock }, ListEventsQuery.parse({ level: 'critical', message: 'timeout' }));
    // Among all the days (the newest hold too few events for an index to pay): with
    // trigrams alone, every event with the word would be read to check its level.
    expect(statements).toHaveLength(2);
    expect(await planOf(storage, statements[1]!)).toMatch(/Index Cond: \(\(message ~~\* .*\) AND \(level >= 50\)\)/);
  });
});
