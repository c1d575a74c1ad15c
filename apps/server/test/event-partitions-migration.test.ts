import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { ListEventsQuery } from '@watchtower/protocol';
import { createTestDatabase, temporaryFolder } from '@watchtower/test-support';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { openStorage, type Storage } from '../src/db/client.js';
import { migrationsFolder } from '../src/db/migrate.js';
import { insertEvents } from '../src/domain/events/insert-events.js';
import { listEvents } from '../src/domain/events/list-events.js';
import { systemClock } from '../src/lib/clock.js';
import { DATABASE_KINDS, type DatabaseKind } from './support/databases.js';

// A database made before events were partitioned (migrations up to 0011) and holding
// events is converted by 0012: every row kept with its id and key, in its day's partition.

const BEFORE_PARTITIONS = '0011_snooze_index';

/** A copy of the migrations folder that ends at `last`. */
function migrationsUpTo(last: string): string {
  const folder = temporaryFolder('watchtower-migrations-');
  cpSync(migrationsFolder(), folder, { recursive: true });
  const journalFile = join(folder, 'meta/_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: Array<{ tag: string }> };
  const end = journal.entries.findIndex((entry) => entry.tag === last);
  expect(end).toBeGreaterThanOrEqual(0);
  journal.entries = journal.entries.slice(0, end + 1);
  writeFileSync(journalFile, JSON.stringify(journal));
  return folder;
}

// Spread over five days, two services, every level; one in ten under an idempotency key.
const FILL = `
insert into events (service, level, message, date, idempotency_key)
select case when i % 2 = 0 then 'api' else 'db' end, (i % 5 + 1) * 10,
  case when i % 7 = 0 then 'disk timeout ' || i else 'ok ' || i end,
  $1::timestamptz - i * interval '1 hour',
  case when i % 10 = 0 then 'key-' || i end
from generate_series(1, 120) i`;

/** Makes a database at 0011 with events, and opens it as the server would (not migrated yet). */
async function databaseBeforePartitions(kind: DatabaseKind, now: Date): Promise<{ storage: Storage; drop: () => Promise<void> }> {
  const folder = migrationsUpTo(BEFORE_PARTITIONS);
  if (kind === 'pglite') {
    const dataDir = temporaryFolder('watchtower-data-');
    const client = new PGlite(join(dataDir, 'pgdata'), { extensions: { pg_trgm } });
    await migratePglite(drizzlePglite({ client, casing: 'snake_case' }), { migrationsFolder: folder });
    await client.query(FILL, [now.toISOString()]);
    await client.close();
    const storage = await openStorage({ kind: 'pglite', dataDir });
    return { storage, drop: () => storage.close() };
  }
  const database = await createTestDatabase();
  const client = postgres(database.url, { max: 1, onnotice: () => {} });
  await migratePostgres(drizzlePostgres({ client, casing: 'snake_case' }), { migrationsFolder: folder });
  await client.unsafe(FILL, [now.toISOString()]);
  await client.end();
  const storage = await openStorage({ kind: 'postgres', url: database.url, maxConnections: 2 });
  return {
    storage,
    drop: async () => {
      await storage.close();
      await database.drop();
    },
  };
}

describe.each(DATABASE_KINDS)('the migration to partitioned events on %s', (kind) => {
  let drop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await drop?.();
    drop = undefined;
  });

  it('moves every event into the partition of its day, and paging, filters and keys keep working', async () => {
    const now = new Date();
    const opened = await databaseBeforePartitions(kind, now);
    drop = opened.drop;
    const { storage } = opened;
    const before = await storage.query<{ id: number; service: string; level: number; message: string; date: Date }>(
      'select id::int as id, service, level, message, date, idempotency_key from events order by id',
      [],
    );
    expect(before).toHaveLength(120);

    await storage.migrate();

    const after = await storage.query('select id::int as id, service, level, message, date, idempotency_key from events order by id', []);
    expect(after).toEqual(before);
    const placed = await storage.query<{ day: string; partition: string }>(
      `select distinct to_char(date at time zone 'UTC', 'YYYYMMDD') as day, tableoid::regclass::text as partition from events`,
      [],
    );
    expect(placed.length).toBeGreaterThanOrEqual(5);
    for (const { day, partition } of placed) expect(partition).toBe(`events_p${day}`);
    const [inherits] = await storage.query<{ n: number }>(
      `select count(*)::int as n from pg_inherits where inhparent = 'events'::regclass`,
      [],
    );
    // The days with events, today and the week ahead, and the default partition.
    expect(inherits!.n).toBeGreaterThanOrEqual(placed.length + 1);
    expect(await storage.query(`select to_regclass('events_unpartitioned') as old`, [])).toEqual([{ old: null }]);

    // Paging, newest first, with filters: the same answers as from the rows themselves.
    const context = { db: storage, clock: systemClock };
    const paged: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await listEvents(
        context,
        ListEventsQuery.parse({ service: 'api', level: 'warning', limit: 7, ...(cursor ? { before: cursor } : {}) }),
      );
      paged.push(...page.events.map((event) => event.id));
      cursor = page.next;
    } while (cursor);
    const expected = before
      .filter((row) => row.service === 'api' && row.level >= 30)
      .sort((a, b) => b.date.getTime() - a.date.getTime() || b.id - a.id)
      .map((row) => row.id);
    expect(paged).toEqual(expected);
    const found = await listEvents(context, ListEventsQuery.parse({ message: 'TIMEOUT', limit: 500 }));
    expect(found.events.map((event) => event.id).sort((a, b) => a - b)).toEqual(
      before.filter((row) => row.message.includes('timeout')).map((row) => row.id),
    );

    // New events continue the ids; an old key still finds its event.
    const inserted = await insertEvents(context, {
      events: [
        { service: 'api', level: 20, message: 'new', date: now.toISOString() },
        { service: 'api', level: 20, message: 'retry', date: now.toISOString(), key: 'key-10' },
      ],
    });
    expect(inserted[0]).toMatchObject({ created: true, row: { id: 121 } });
    expect(inserted[1]).toMatchObject({ created: false, row: { message: 'ok 10' } });
    expect(await storage.query(`select tableoid::regclass::text as partition from events where id = 121`, [])).toEqual([
      { partition: `events_p${now.toISOString().slice(0, 10).replaceAll('-', '')}` },
    ]);
  });
});
