// PostgreSQL: a fresh database per run, through the server's own driver (no psql needed).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { assertNotStopping } from './children.mjs';
import { ROOT } from './paths.mjs';

let benchDatabase; // { admin: sql, name, url } once created

export function loadPostgresDriver() {
  const require = createRequire(join(ROOT, 'apps/server/package.json'));
  return require('postgres');
}

/** Creates the bench database on the server of `pgUrl`; answers its URL. */
export async function createDatabase(pgUrl) {
  assertNotStopping();
  const postgres = loadPostgresDriver();
  const name = `watchtower_bench_${process.pid}`;
  const admin = postgres(pgUrl, {
    max: 1,
    onnotice: () => {},
    connect_timeout: 10,
    idle_timeout: 5,
    connection: { statement_timeout: 60_000 },
  });
  try {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.unsafe(`create database ${name}`);
  } catch (error) {
    await admin.end({ timeout: 5 });
    throw new Error(`could not create the bench database on ${redact(pgUrl)}: ${error.message}`);
  }
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  benchDatabase = { admin, name, url: url.toString() };
  return benchDatabase.url;
}

/** The URL of the bench database while it exists. */
export function benchDatabaseUrl() {
  return benchDatabase?.url;
}

/** The name of the bench database while it exists. */
export function benchDatabaseName() {
  return benchDatabase?.name;
}

/**
 * VACUUM ANALYZE the bench database, as autovacuum would soon after the seeding on a real
 * server: without statistics the planner of a freshly filled table guesses (and guesses
 * badly), and the trigram index keeps new rows in its pending list until a vacuum.
 */
export async function vacuumDatabase() {
  const postgres = loadPostgresDriver();
  const sql = postgres(benchDatabase.url, { max: 1, onnotice: () => {}, connect_timeout: 10, connection: { statement_timeout: 120_000 } });
  try {
    await sql.unsafe('vacuum analyze');
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * Transactions committed in the bench database so far. Backends publish their counts at
 * most once a second once idle, so callers wait a little after the load first.
 */
export async function committedTransactions() {
  if (!benchDatabase) return undefined;
  const [row] =
    await benchDatabase.admin`select xact_commit::bigint::text as commits from pg_stat_database where datname = ${benchDatabase.name}`;
  return row ? Number(row.commits) : undefined;
}

export async function dropDatabase() {
  if (!benchDatabase) return;
  const { admin, name } = benchDatabase;
  benchDatabase = undefined;
  try {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
  } catch (error) {
    console.error(`bench: could not drop the database ${name}: ${error.message} (drop it by hand)`);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

function redact(url) {
  const parsedUrl = new URL(url);
  if (parsedUrl.password) parsedUrl.password = '***';
  return parsedUrl.toString();
}
