#!/usr/bin/env node
// Pages of events over millions of them: `npm run bench:lists` (`-- --events 1000000` for a
// short run, `-- --databases postgres` for one database).
//
// Each database is seeded straight into its partitioned events table (bench/lib/seed-events.mjs:
// 1,000 services, skewed; mostly debug and info; words in the messages at known rates; the
// days before today): PostgreSQL with --events (10 million by default), PGlite with
// --pglite-events (1 million), through PGlite itself on the server's own data folder
// between two starts of the server. The built server runs as a child process, as `npm start`
// runs it. For each filter mix, this process follows the cursor to pages 1, 10, 100 and
// 1,000 (100 events a page; pages a mix does not reach are left out), checks that every
// event matches the filters, then times GET /events of each page: one request at a time
// on one connection, then CONCURRENCY at a time. The figures replace the lists section of
// bench/RESULTS.md (one part per database).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { cleanUp, cleanUpOnSignals, isInterrupted, stopChild, temporaryFolder } from './lib/children.mjs';
import { HEADERS } from './lib/credentials.mjs';
import { DEFAULT_SERVER_ENTRY, RESULTS_FILE, ROOT } from './lib/paths.mjs';
import { benchDatabaseUrl, dropDatabase, loadPostgresDriver } from './lib/postgres.mjs';
import { codeVersion, machine } from './lib/report.mjs';
import { SEEDED, pgliteTarget, postgresTarget, seedEvents } from './lib/seed-events.mjs';
import { settledBuild, startServer } from './lib/servers.mjs';

const { values: options } = parseArgs({
  options: {
    events: { type: 'string', default: '10000000' },
    'pglite-events': { type: 'string', default: '1000000' },
    days: { type: 'string', default: '10' },
    databases: { type: 'string', default: 'postgres,pglite' },
    samples: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '8' },
    only: { type: 'string' },
    'pg-url': { type: 'string' },
    'no-write': { type: 'boolean', default: false },
  },
});
const DAYS = Number(options.days);
const SAMPLES = Number(options.samples);
const CONCURRENCY = Number(options.concurrency);
const DATABASES = options.databases.split(',').map((name) => name.trim());
const PAGE = 100;
const DEPTHS = [1, 10, 100, 1_000];
const TARGET_P99_MS = 20;
// A cell stops sampling after this long: a slow mix is reported, not waited for.
const CELL_BUDGET_MS = 5_000;
const DAY_MS = 86_400_000;
const TODAY_S = Math.floor(Date.now() / DAY_MS) * (DAY_MS / 1000);
const HOUR_S = 3_600;
const DAY_S = 86_400;

const { common, rare, absent } = SEEDED.words;
const pct = (share) => `${+(share * 100).toPrecision(2)} %`;
const serviceShare = (k) => pct(SEEDED.serviceShare(k));

/** Each filter alone, then mixes; the share is of all events, as seeded (independent draws). */
const MIXES = [
  { name: 'none', query: {} },
  { name: `service svc-0 (${serviceShare(0)})`, query: { service: 'svc-0' } },
  { name: `service svc-100 (${serviceShare(100)})`, query: { service: 'svc-100' } },
  { name: `service svc-999 (${serviceShare(999)})`, query: { service: 'svc-999' } },
  { name: `level ≥ error (${pct(SEEDED.levelShare[40])})`, query: { level: 'error' } },
  { name: `level ≥ critical (${pct(SEEDED.levelShare[50])})`, query: { level: 'critical' } },
  { name: `message "${common.word}" (${pct(common.share)})`, query: { message: common.word } },
  { name: `message "${rare.word}" (${pct(rare.share)})`, query: { message: rare.word } },
  { name: `message "${absent.word}" (absent)`, query: { message: absent.word } },
  { name: 'from, the last 6 hours', query: { from: TODAY_S - 6 * HOUR_S } },
  { name: 'to, 5 days ago', query: { to: TODAY_S - 5 * DAY_S } },
  { name: 'from–to, 1 hour 3 days ago', query: { from: TODAY_S - 3 * DAY_S, to: TODAY_S - 3 * DAY_S + HOUR_S } },
  { name: 'service svc-0 + level ≥ error', query: { service: 'svc-0', level: 'error' } },
  { name: 'service svc-999 + level ≥ warning', query: { service: 'svc-999', level: 'warning' } },
  { name: `service svc-0 + message "${common.word}"`, query: { service: 'svc-0', message: common.word } },
  { name: `service svc-0 + message "${rare.word}"`, query: { service: 'svc-0', message: rare.word } },
  { name: `service svc-0 + message "${absent.word}"`, query: { service: 'svc-0', message: absent.word } },
  { name: `level ≥ critical + message "${common.word}"`, query: { level: 'critical', message: common.word } },
  { name: `level ≥ error + message "${rare.word}"`, query: { level: 'error', message: rare.word } },
  { name: 'service svc-100 + from–to, 1 day', query: { service: 'svc-100', from: TODAY_S - 4 * DAY_S, to: TODAY_S - 3 * DAY_S } },
  {
    name: `service svc-0 + level ≥ warning + message "${common.word}" + from–to, 2 days`,
    query: { service: 'svc-0', level: 'warning', message: common.word, from: TODAY_S - 6 * DAY_S, to: TODAY_S - 4 * DAY_S },
  },
];

const LEVELS = { debug: 10, info: 20, warning: 30, error: 40, critical: 50 };

/** Why an event does not belong on the page of `query`, or undefined when it does. */
function mismatch(query, event) {
  if (query.service !== undefined && event.service !== query.service) return `service ${event.service}`;
  if (query.level !== undefined && event.level < LEVELS[query.level]) return `level ${event.level}`;
  if (query.message !== undefined && !event.message.toLowerCase().includes(query.message.toLowerCase())) return `message ${event.message}`;
  if (query.from !== undefined && event.date < query.from) return `date ${event.date}`;
  if (query.to !== undefined && event.date > query.to) return `date ${event.date}`;
  return undefined;
}

function pageUrl(url, query, limit, before) {
  const search = new URLSearchParams(Object.entries({ ...query, limit, ...(before ? { before } : {}) }).map(([k, v]) => [k, String(v)]));
  return `${url}/events?${search}`;
}

async function getPage(url, query, limit, before) {
  const response = await fetch(pageUrl(url, query, limit, before), { headers: HEADERS });
  const body = await response.json();
  if (response.status !== 200) throw new Error(`GET /events ${JSON.stringify(query)}: HTTP ${response.status}: ${JSON.stringify(body)}`);
  return body;
}

/**
 * The cursor of each page of DEPTHS that the mix reaches (undefined for the first page),
 * found by following `next` (1,000 events a step, the protocol's largest page).
 */
async function cursorsOf(url, query) {
  const cursors = new Map([[1, undefined]]);
  let before;
  let read = 0;
  let previous;
  for (const depth of DEPTHS.slice(1)) {
    const skip = PAGE * (depth - 1);
    while (read < skip) {
      const body = await getPage(url, query, Math.min(1_000, skip - read), before);
      for (const event of body.events) {
        const why = mismatch(query, event);
        if (why) throw new Error(`GET /events ${JSON.stringify(query)} answered an event outside its filters (${why})`);
        // Newest first, and never the same event twice.
        if (previous && (event.date > previous.date || (event.date === previous.date && event.id >= previous.id))) {
          throw new Error(`GET /events ${JSON.stringify(query)}: events out of order at ${event.id}`);
        }
        previous = event;
      }
      read += body.events.length;
      if (body.next === null) return { cursors, matches: read };
      before = body.next;
    }
    cursors.set(depth, before);
  }
  return { cursors, matches: undefined };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

function figures(latencies) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] };
}

/** Times `total` requests of one page, `connections` at a time (within CELL_BUDGET_MS). */
async function timePage(url, query, before, { total, connections }) {
  const latencies = [];
  const deadline = performance.now() + CELL_BUDGET_MS;
  let sent = 0;
  const worker = async () => {
    while (sent < total && performance.now() < deadline && !isInterrupted()) {
      sent++;
      const started = performance.now();
      const body = await getPage(url, query, PAGE, before);
      latencies.push(performance.now() - started);
      if (body.events.length > PAGE) throw new Error('a page held more events than asked');
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  return figures(latencies);
}

async function measureLists(url) {
  const mixes = options.only ? MIXES.filter((mix) => mix.name.includes(options.only)) : MIXES;
  const rows = [];
  for (const mix of mixes) {
    if (isInterrupted()) throw new Error('interrupted');
    const { cursors, matches } = await cursorsOf(url, mix.query);
    for (const [depth, before] of cursors) {
      // A few requests first: the first of a mix plans and reads from cold pages.
      await timePage(url, mix.query, before, { total: 3, connections: 1 });
      const sequential = await timePage(url, mix.query, before, { total: SAMPLES, connections: 1 });
      const concurrent = await timePage(url, mix.query, before, { total: SAMPLES * 2, connections: CONCURRENCY });
      rows.push({ mix: mix.name, depth, sequential, concurrent });
      console.log(
        `  ${mix.name}, page ${depth}: one at a time p50 ${ms(sequential.p50)} p99 ${ms(sequential.p99)} ms; ` +
          `${CONCURRENCY} at a time p50 ${ms(concurrent.p50)} p99 ${ms(concurrent.p99)} ms`,
      );
    }
    if (matches !== undefined) {
      rows.push({
        mix: mix.name,
        note: `${matches.toLocaleString('en-US')} matching events: no page ${DEPTHS.find((d) => !cursors.has(d))}`,
      });
    }
  }
  return rows;
}

async function importPglite() {
  const require = createRequire(join(ROOT, 'apps/server/package.json'));
  const { PGlite } = await import(pathToFileURL(require.resolve('@electric-sql/pglite')).href);
  // The extensions the server loads (src/db/client.ts).
  const { pg_trgm } = await import(pathToFileURL(require.resolve('@electric-sql/pglite/contrib/pg_trgm')).href);
  return { PGlite, extensions: { pg_trgm } };
}

/** Seeds PGlite in the server's data folder: migrated by a first start, filled here, then served. */
async function runPglite(events) {
  const dataDir = temporaryFolder('watchtower-bench-lists-');
  const env = { WATCHTOWER_DATA_DIR: dataDir };
  const first = await startServer('pglite', { serverEntry: DEFAULT_SERVER_ENTRY, env });
  await stopChild(first.handle);
  const { PGlite, extensions } = await importPglite();
  const pg = new PGlite(join(dataDir, 'pgdata'), { extensions });
  await pg.waitReady;
  const seedStarted = Date.now();
  try {
    await seedEvents(pgliteTarget(pg), { events, days: DAYS, vacuum: true });
    await pg.query('checkpoint');
  } finally {
    await pg.close();
  }
  const seedSeconds = (Date.now() - seedStarted) / 1000;
  const server = await startServer('pglite', { serverEntry: DEFAULT_SERVER_ENTRY, env });
  try {
    return { seedSeconds, rows: await measureLists(server.url) };
  } finally {
    await stopChild(server.handle);
  }
}

async function runPostgres(events) {
  const pgUrl = options['pg-url'] ?? process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const server = await startServer('postgres', { serverEntry: DEFAULT_SERVER_ENTRY, pgUrl });
  const sql = loadPostgresDriver()(benchDatabaseUrl(), { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    const seedStarted = Date.now();
    await seedEvents(postgresTarget(sql), { events, days: DAYS, vacuum: true });
    const seedSeconds = (Date.now() - seedStarted) / 1000;
    return { seedSeconds, rows: await measureLists(server.url) };
  } finally {
    await sql.end({ timeout: 5 });
    await stopChild(server.handle);
    await dropDatabase();
  }
}

const ms = (value) => (value === undefined ? '–' : value.toFixed(1));
const cell = ({ p50, p99, max }) => `${ms(p50)} / ${p99 > TARGET_P99_MS ? `**${ms(p99)}**` : ms(p99)} / ${ms(max)}`;

function table(rows) {
  const lines = [
    `| filters (share of events) | page | one at a time: p50 / p99 / max ms | ${CONCURRENCY} at a time: p50 / p99 / max ms |`,
    '|---|---:|---:|---:|',
  ];
  for (const row of rows) {
    if (row.note) lines.push(`| ${row.mix} | – | ${row.note} | |`);
    else lines.push(`| ${row.mix} | ${row.depth.toLocaleString('en-US')} | ${cell(row.sequential)} | ${cell(row.concurrent)} |`);
  }
  return lines.join('\n');
}

/** The cells whose p99 (one at a time) misses the target, and by how much. */
function misses(rows) {
  return rows
    .filter((row) => !row.note && row.sequential.p99 > TARGET_P99_MS)
    .map((row) => `${row.mix}, page ${row.depth}: p99 ${ms(row.sequential.p99)} ms (${ms(row.sequential.p99 - TARGET_P99_MS)} ms over)`);
}

const START = '<!-- lists:start -->';
const END = '<!-- lists:end -->';

function writeSection(database, part) {
  const partStart = `<!-- lists-${database}:start -->`;
  const partEnd = `<!-- lists-${database}:end -->`;
  const current = readFileSync(RESULTS_FILE, 'utf8');
  const block = current.includes(START)
    ? current.slice(current.indexOf(START), current.indexOf(END) + END.length)
    : `${START}\n## Event lists (\`npm run bench:lists\`)\n\nA 100-event page of GET /events; target: p99 ≤ ${TARGET_P99_MS} ms for every filter mix and depth (p99 over it in bold). Shares are of all events, as seeded (bench/lib/seed-events.mjs); each page is reached by following the cursor, then requested one at a time on one connection, then several at a time.\n${END}`;
  const partText = `${partStart}\n${part}\n${partEnd}`;
  let nextBlock;
  if (block.includes(partStart)) nextBlock = block.replace(new RegExp(`${partStart}[\\s\\S]*${partEnd}`), partText);
  else nextBlock = block.replace(END, `${partText}\n${END}`);
  const next = current.includes(START) ? current.replace(block, nextBlock) : `${current.trimEnd()}\n\n${nextBlock}\n`;
  writeFileSync(RESULTS_FILE, next);
}

async function main() {
  cleanUpOnSignals();
  for (const database of DATABASES) {
    if (!['postgres', 'pglite'].includes(database)) throw new Error(`--databases takes postgres and pglite; received ${database}`);
  }
  await settledBuild(DEFAULT_SERVER_ENTRY);
  const code = codeVersion();
  console.log(`watchtower lists bench: ${machine()}`);
  let failed = false;
  try {
    for (const database of DATABASES) {
      const events = Number(database === 'postgres' ? options.events : options['pglite-events']);
      const started = new Date();
      const loadAtStart = os.loadavg()[0];
      console.log(`${database}: seeding ${events.toLocaleString('en-US')} events over ${DAYS} days:`);
      const result = database === 'postgres' ? await runPostgres(events) : await runPglite(events);
      const load = [loadAtStart, os.loadavg()[0]];
      const missed = misses(result.rows);
      failed ||= missed.length > 0;
      const part = [
        `### ${database === 'postgres' ? 'PostgreSQL' : 'PGlite'}, ${events.toLocaleString('en-US')} events`,
        '',
        `- date: ${started.toISOString().replace(/\.\d+Z$/, 'Z')}; machine: ${machine()}; code: ${code}`,
        `- load average (1 min) of the machine at the start and the end: ${load.map((value) => value.toFixed(1)).join(' / ')}`,
        `- ${events.toLocaleString('en-US')} events in ${DAYS} daily partitions, seeded in ${result.seedSeconds.toFixed(0)} s`,
        `- each page requested ${SAMPLES} times one at a time, then ${SAMPLES * 2} times ${CONCURRENCY} at a time (a cell stops after ${CELL_BUDGET_MS / 1000} s)`,
        `- p99 over ${TARGET_P99_MS} ms (one at a time): ${missed.length === 0 ? 'none' : missed.join('; ')}`,
        '',
        table(result.rows),
      ].join('\n');
      console.log(`\n${part}\n`);
      if (!options['no-write'] && !options.only) writeSection(database, part);
    }
  } finally {
    await cleanUp();
  }
  if (failed) process.exitCode = 1;
}

main().catch(async (error) => {
  console.error(`bench: ${error.stack ?? error}`);
  await cleanUp();
  process.exit(1);
});
