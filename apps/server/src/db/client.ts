import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { MIGRATION_LOCK_KEY, migrationsFolder } from './migrate.js';

export interface QueryOptions {
  /**
   * Prepared (the default): planned once per connection, for the hot statements. Off for
   * a statement whose best plan depends on its values (the event filters).
   */
  prepare?: boolean;
}

/** Runs one statement with $1… parameters through the driver itself, and answers its rows. */
export type Query = <T extends Record<string, unknown>>(text: string, params: unknown[], options?: QueryOptions) => Promise<T[]>;

/**
 * Where a domain verb runs its statements: the database itself, or a transaction under way.
 * The one way to query, inside a transaction or outside.
 */
export interface Db {
  query: Query;
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws.
   * Inside a transaction, `work` joins it.
   */
  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T>;
}

/** A transaction under way: a nested `transaction` joins it. */
export function joinedTransaction(query: Query): Db {
  const tx: Db = { query, transaction: (work) => work(tx) };
  return tx;
}

/** An open database, whichever driver serves it. */
export interface Storage extends Db {
  readonly kind: 'pglite' | 'postgres';
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
  /**
   * The same database, for the hot statements that reach rows by key (the pulse path): its
   * planner never picks a sequential scan where an index serves. A prepared statement keeps
   * the plan it got while a table was empty and unanalyzed, and that plan scanned the table.
   */
  readonly keyed: Db;
  /**
   * The same database, for the pages of the events list: planned with random_page_cost
   * 1.1. Events are written in date order, so with the default (4) the date index's walk
   * looks several times cheaper per row than a service index's scattered rows, and a page of
   * one service's events read every service's rows of the day. A log's pages are in memory,
   * where a random read costs about what a sequential one does.
   */
  readonly listing: Db;
  close(): Promise<void>;
}

export type StorageOptions =
  | { kind: 'postgres'; url: string; maxConnections?: number }
  | { kind: 'pglite'; dataDir: string }
  | { kind: 'pglite'; memory: true };

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    // ETIMEDOUT: the database is out of reach, in the words of /healthz and the outage tracker.
    timer = setTimeout(() => reject(Object.assign(new Error(`${what} did not answer within ${ms} ms`), { code: 'ETIMEDOUT' })), ms);
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

/** The planner's cost of a random page read for the events list's pages (see Storage.listing). */
export const LISTING_RANDOM_PAGE_COST = 1.1;
/** Connections for the events list's pages, besides the pool. */
const LISTING_CONNECTIONS = 4;

const CLOCK_QUERY = 'select extract(epoch from clock_timestamp()) * 1000 as ms';

/** A pool of connections to PostgreSQL, as one Db. */
function postgresDb(client: postgres.Sql): Db {
  const run =
    (sql: postgres.Sql | postgres.TransactionSql): Query =>
    async (text, params, options) =>
      (await sql.unsafe(text, params as postgres.ParameterOrJSON<never>[], {
        prepare: options?.prepare ?? true,
      })) as unknown as never[];
  return {
    query: run(client),
    transaction: async (work) => (await client.begin((tx) => work(joinedTransaction(run(tx))))) as never,
  };
}

function connectPostgres(url: string, max: number, settings: Record<string, string> = {}): postgres.Sql {
  return postgres(url, {
    max,
    onnotice: () => {},
    // An unreachable database fails a connection attempt in seconds, not half a minute.
    connect_timeout: 5,
    connection: { application_name: 'watchtower', ...settings },
  });
}

export async function openStorage(options: StorageOptions): Promise<Storage> {
  if (options.kind === 'postgres') {
    const client = connectPostgres(options.url, options.maxConnections ?? 10);
    // The pulse path writes one batch at a time per route family: two connections serve it.
    // Disfavoured, a sequential scan is still taken where no index can serve.
    const keyedClient = connectPostgres(options.url, 2, { enable_seqscan: 'off' });
    // Set when each connection starts: a page is one statement, with no transaction around it.
    const listingClient = connectPostgres(options.url, LISTING_CONNECTIONS, { random_page_cost: String(LISTING_RANDOM_PAGE_COST) });
    const readClock = async () => Number((await client.unsafe<Array<{ ms: string }>>(CLOCK_QUERY))[0]!.ms);
    let offsetMs = 0;
    // Its connections are opened now: a first pulse that waited for them would be late.
    const warming = Promise.all([keyedClient`select 1`, keyedClient`select 1`]).catch(() => undefined);
    try {
      offsetMs = (await measureClockOffset(readClock)) ?? 0;
    } catch {
      // Measured again at the next ping; until then the clocks are taken to agree.
    }
    await warming;
    const storage: Storage = {
      kind: 'postgres',
      ...postgresDb(client),
      keyed: postgresDb(keyedClient),
      listing: postgresDb(listingClient),
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
        await Promise.all([client.end({ timeout: 5 }), keyedClient.end({ timeout: 5 }), listingClient.end({ timeout: 5 })]);
      },
    };
    return storage;
  }
  return openPglite(options);
}

/**
 * PostgreSQL settings of the embedded database. Its shared buffers live in this process's
 * memory and are touched at start: 128 MB by default, 16 MB here. Pages beyond them are
 * read back from the data files through the OS cache, not from the disk itself.
 */
const PGLITE_SETTINGS = ['shared_buffers=16MB'];

// Run by a child process: makes the data folder and ends.
const CREATE_PGLITE_FOLDER = `
const { PGlite } = require(process.argv[1]);
(async () => {
  const db = new PGlite(process.argv[2]);
  await db.waitReady;
  await db.close();
})().catch((error) => {
  console.error(error);
  process.exit(1);
});`;

/**
 * Makes a new data folder in a short-lived child process: PGlite's initdb runs a second
 * whole PostgreSQL in WASM, and this process would keep its memory (about 200 MB) for good.
 */
async function createPgliteFolder(dataDir: string): Promise<void> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  try {
    await promisify(execFile)(process.execPath, ['-e', CREATE_PGLITE_FOLDER, entry, dataDir], { timeout: 300_000 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`could not create the embedded database in ${dataDir}${stderr ? `: ${stderr}` : ''}`, { cause: error });
  }
}

/** `db` with random_page_cost set for each statement's or transaction's own transaction (one shared connection). */
function plannedForPages(db: Db): Db {
  const transaction: Db['transaction'] = (work) =>
    db.transaction(async (tx) => {
      await tx.query(`set local random_page_cost = ${LISTING_RANDOM_PAGE_COST}`, []);
      return work(tx);
    });
  return { query: (text, params, options) => transaction((tx) => tx.query(text, params, options)), transaction };
}

async function openPglite(options: Extract<StorageOptions, { kind: 'pglite' }>): Promise<Storage> {
  let dataDir: string | undefined;
  if ('dataDir' in options) {
    dataDir = join(options.dataDir, 'pgdata');
    // PGlite does not create parent folders itself.
    mkdirSync(dataDir, { recursive: true });
    await createPgliteFolder(dataDir);
  }
  const client = new PGlite(dataDir ?? 'memory://', {
    extensions: { pg_trgm },
    startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS.flatMap((setting) => ['-c', setting])],
  });
  await client.waitReady;
  let closed = false;
  const db: Db = {
    query: async (text, params) => (await client.query<never>(text, params)).rows,
    transaction: (work) =>
      client.transaction((tx) => work(joinedTransaction(async (text, params) => (await tx.query<never>(text, params)).rows))),
  };
  return {
    kind: 'pglite',
    ...db,
    // Each statement is planned when it runs, on the table as it is then.
    keyed: db,
    // One connection, shared: the setting holds for the page's transaction alone.
    listing: plannedForPages(db),
    migrate: async () => {
      await migratePglite(drizzlePglite({ client, casing: 'snake_case' }), { migrationsFolder: migrationsFolder() });
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
