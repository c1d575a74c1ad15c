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

/** Runs what a verb would run, but answers nothing and keeps the statement. */
function capturing(): { db: Db; statements: Array<{ text: string; params: unknown[] }> } {
  const statements: Array<{ text: string; params: unknown[] }> = [];
  const query: Query = async (text, params) => {
    statements.push({ text, params });
    return [];
  };
  const db: Db = { query, transaction: (work) => work(db) };
  return { db, statements };
}

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

  /** The plan PostgreSQL chooses for a captured statement, as text. */
  async function planOf(statement: { text: string; params: unknown[] }): Promise<string> {
    const rows = await storage.query<{ 'QUERY PLAN': string }>(`explain ${statement.text}`, statement.params, { prepare: false });
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  }

  it('reads a page of events by index, with and without filters, without sorting the table', async () => {
    for (const query of [{}, { service: 's7' }, { level: 'info' }]) {
      const { db, statements } = capturing();
      await listEvents({ db, clock: systemClock }, ListEventsQuery.parse(query));
      // The page is looked for among the newest partitions first (a few days: sorting what
      // matches there, if the planner likes, is no sort of the table), then among all.
      expect(statements).toHaveLength(2);
      const partitionsIn = (plan: string) => new Set(plan.match(/events_(p\d{8}|default)\b/g)).size;
      const [first, all] = [await planOf(statements[0]!), await planOf(statements[1]!)];
      expect(partitionsIn(first)).toBeLessThanOrEqual(11);
      expect(partitionsIn(all)).toBeGreaterThan(30);
      expect({ query, plan: all }).toEqual({ query, plan: expect.stringMatching(/Index Scan/) });
      expect({ query, plan: all }).toEqual({ query, plan: expect.not.stringMatching(/^\s*(->\s+)?(Incremental )?Sort\s+\(/m) });
    }
  });
});
