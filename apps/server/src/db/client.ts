import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite, type PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { MIGRATION_LOCK_KEY, migrationsFolder } from './migrate.js';
import * as schema from './schema.js';

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export type Query = <T extends Record<string, unknown>>(text: string, params: unknown[]) => Promise<T[]>;

/** An open database, whichever driver serves it. */
export interface Storage {
  readonly kind: 'pglite' | 'postgres';
  readonly db: Database;
  /** Runs a plain query and returns its rows, whatever the driver's result shape. */
  rows<T extends Record<string, unknown>>(query: ReturnType<typeof sql>): Promise<T[]>;
  /** Runs one statement with $1… parameters through the driver itself (the hot paths). */
  query: Query;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (query: Query) => Promise<T>): Promise<T>;
  /** Brings the schema up to date (safe when several processes start at once). */
  migrate(): Promise<void>;
  /** Answers when the database answers; throws otherwise. */
  ping(timeoutMs?: number): Promise<void>;
  /**
   * The database's clock at the moment `localMs` (epoch ms on this process's clock), by the
   * offset between the two last measured (at open and at each ping): write deadlines are
   * checked by the database against its own clock.
   */
  databaseTime(localMs: number): Date;
  /** The database's clock now, epoch ms (taken at the middle of the round trip). */
  readClock(): Promise<number>;
  close(): Promise<void>;
}

export type StorageOptions =
  | { kind: 'postgres'; url: string; maxConnections?: number }
  | { kind: 'pglite'; dataDir: string }
  | { kind: 'pglite'; memory: true };

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A reading of the database's clock is trusted only when its round trip was this short. */
const CLOCK_READING_MAX_RTT_MS = 500;

/**
 * Milliseconds the database's clock is ahead of this process's, measured over one round
 * trip; null when the trip took too long to tell (a query that waited for a connection,
 * or for the database to come back, says nothing about the clocks).
 */
async function measureClockOffset(readMs: () => Promise<number>): Promise<number | null> {
  const sent = Date.now();
  const databaseMs = await readMs();
  const received = Date.now();
  if (received - sent > CLOCK_READING_MAX_RTT_MS) return null;
  return databaseMs - (sent + received) / 2;
}

const CLOCK_QUERY = 'select extract(epoch from clock_timestamp()) * 1000 as ms';

export async function openStorage(options: StorageOptions): Promise<Storage> {
  if (options.kind === 'postgres') {
    const client = postgres(options.url, {
      max: options.maxConnections ?? 10,
      onnotice: () => {},
      // An unreachable database fails a connection attempt in seconds, not half a minute.
      connect_timeout: 5,
      connection: { application_name: 'watchtower' },
    });
    const readClock = async () => Number((await client.unsafe<Array<{ ms: string }>>(CLOCK_QUERY))[0]!.ms);
    let offsetMs = 0;
    try {
      offsetMs = (await measureClockOffset(readClock)) ?? 0;
    } catch {
      // Measured again at the next ping; until then the clocks are taken to agree.
    }
    const db = drizzlePostgres({ client, schema, casing: 'snake_case' }) as unknown as Database;
    const storage: Storage = {
      kind: 'postgres',
      db,
      rows: async (query) => (await db.execute(query)) as unknown as never[],
      query: async (text, params) =>
        (await client.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: true })) as unknown as never[],
      transaction: async (work) =>
        (await client.begin((tx) =>
          work(
            async (text, params) =>
              (await tx.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: true })) as unknown as never[],
          ),
        )) as never,
      migrate: async () => {
        // One connection holds a session lock while it migrates; other processes wait for it.
        const single = postgres(options.url, { max: 1, onnotice: () => {} });
        try {
          await single`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
          await migratePostgres(drizzlePostgres({ client: single, casing: 'snake_case' }), {
            migrationsFolder: migrationsFolder(),
          });
        } finally {
          // Ending the session gives the lock back.
          await single.end({ timeout: 5 });
        }
      },
      ping: async (timeoutMs = 2000) => {
        offsetMs = (await withTimeout(measureClockOffset(readClock), timeoutMs, 'PostgreSQL')) ?? offsetMs;
      },
      databaseTime: (localMs) => new Date(localMs + offsetMs),
      readClock: async () => {
        // A slow answer tells nothing new: the last offset stands.
        offsetMs = (await measureClockOffset(readClock)) ?? offsetMs;
        return Date.now() + offsetMs;
      },
      close: async () => {
        await client.end({ timeout: 5 });
      },
    };
    return storage;
  }
  return openPglite(options);
}

async function openPglite(options: Extract<StorageOptions, { kind: 'pglite' }>): Promise<Storage> {
  let dataDir: string | undefined;
  if ('dataDir' in options) {
    dataDir = join(options.dataDir, 'pgdata');
    // PGlite does not create parent folders itself.
    mkdirSync(dataDir, { recursive: true });
  }
  const client = new PGlite(dataDir ?? 'memory://', { extensions: { pg_trgm } });
  await client.waitReady;
  const db = drizzlePglite({ client, schema, casing: 'snake_case' }) as unknown as Database;
  let closed = false;
  return {
    kind: 'pglite',
    db,
    rows: async (query) => ((await db.execute(query)) as unknown as { rows: never[] }).rows,
    query: async (text, params) => (await client.query<never>(text, params)).rows,
    transaction: (work) => client.transaction((tx) => work(async (text, params) => (await tx.query<never>(text, params)).rows)),
    migrate: async () => {
      await migratePglite(db as unknown as PgliteDatabase, { migrationsFolder: migrationsFolder() });
    },
    ping: async (timeoutMs = 2000) => {
      if (closed) throw new Error('the embedded database is closed');
      await withTimeout(client.query('select 1'), timeoutMs, 'PGlite');
    },
    // In this process: one clock.
    databaseTime: (localMs) => new Date(localMs),
    readClock: async () => Number((await client.query<{ ms: string | number }>(CLOCK_QUERY)).rows[0]!.ms),
    close: async () => {
      if (closed) return;
      closed = true;
      // Flush to the data files so the next start does not depend on WAL replay.
      await client.query('CHECKPOINT');
      await client.close();
    },
  };
}
