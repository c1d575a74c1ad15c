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
    // The events below span three days back: each gets its day's partition.
    await createEventPartitions(storage, { from: new Date(Date.now() - 4 * 86_400_000), to: new Date() });
    await storage.query(
      `insert into events (service, level, message, date)
       select 's' || (i % 50), 20, 'm' || i, now() - i * interval '10 seconds' from generate_series(1, 20000) i`,
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
      const plan = await planOf(statements[0]!);
      expect({ query, plan }).toEqual({ query, plan: expect.stringMatching(/Index Scan/) });
      expect({ query, plan }).toEqual({ query, plan: expect.not.stringMatching(/^\s*(->\s+)?(Incremental )?Sort\s+\(/m) });
    }
  });
});
