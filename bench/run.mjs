#!/usr/bin/env node
// The benchmark of the built server. Run by `npm run bench` (which builds the server
// first), or directly with `node bench/run.mjs [options]` once it is built.
//
// Machines are shared and noisy, so no figure stands alone: every measured run of a
// scenario follows a run of the same length against a baseline (a bare node:http server
// answering a small JSON body), and the table gives the ratio of the two. The server runs
// as a child process, once on PGlite (a fresh data folder) and once on PostgreSQL (a fresh
// database, dropped at the end). Load goes to 127.0.0.1 only; every run and every wait is
// bounded in time, and every child is stopped however the run ends.
//
// This file reads the options and runs the steps; lib/ holds them: servers.mjs (the baseline
// and the server under test), postgres.mjs, load.mjs (autocannon), cpu.mjs, scenarios.mjs,
// measure.mjs (runs and rows), report.mjs (the console output and RESULTS.md).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { addCleanUpStep, cleanUp, cleanUpOnSignals, isInterrupted } from './lib/children.mjs';
import { load, stopLoad } from './lib/load.mjs';
import { benchDatabaseKind, createResults } from './lib/measure.mjs';
import { DEFAULT_SERVER_ENTRY, RESULTS_FILE } from './lib/paths.mjs';
import { dropDatabase } from './lib/postgres.mjs';
import { codeVersion, machine, markdown, printSummary } from './lib/report.mjs';
import { SCENARIOS } from './lib/scenarios.mjs';
import { startBaseline } from './lib/servers.mjs';

// ---------------------------------------------------------------------------------------
// Options

const USAGE = `usage: node bench/run.mjs [options]   (or: npm run bench -- [options])

  --duration S        seconds per measured run (default 10)
  --quick             3-second runs, 1 repeat, 1-second warm-ups
  --repeat N          measured runs per scenario, median reported (default 3; quick: 1)
  --connections LIST  concurrent connections, e.g. 50,200 (default 50)
  --db LIST           pglite,postgres (default both)
  --scenario LIST     healthz,pulse,events-list,events-search,event (default all)
  --pg-url URL        PostgreSQL server to create the bench database on
                      (default postgres://postgres@127.0.0.1:5432/postgres, or $BENCH_PG_URL)
  --server FILE       the built server to measure (default apps/server/dist/main.js),
                      e.g. another commit's build to compare
  --workers N         WATCHTOWER_WORKERS of the server (PostgreSQL only; default 1)
  --no-write          print the table only; leave bench/RESULTS.md as it is
  --help`;

function parseCommandLine() {
  try {
    return parseArgs({
      options: {
        duration: { type: 'string' },
        quick: { type: 'boolean', default: false },
        repeat: { type: 'string' },
        connections: { type: 'string', default: '50' },
        db: { type: 'string', default: 'pglite,postgres' },
        scenario: { type: 'string' },
        'pg-url': { type: 'string' },
        server: { type: 'string' },
        workers: { type: 'string' },
        'no-write': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    console.error(`bench: ${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
}

function positiveNumber(name, text, { integer = false, max = Infinity } = {}) {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > max || (integer && !Number.isInteger(value))) {
    console.error(`bench: --${name} must be a ${integer ? 'whole ' : ''}number from 1 to ${max}; received ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return value;
}

function list(name, text, allowed) {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  const unknown = items.filter((item) => !allowed.includes(item));
  if (items.length === 0 || unknown.length > 0) {
    console.error(`bench: --${name} takes a comma-separated list of ${allowed.join(', ')}; received ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return [...new Set(items)];
}

/** The settings of this run, from the command line; a bad option exits 2 with its reason. */
function readSettings() {
  const args = parseCommandLine();
  if (args.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = args.quick;
  const scenarios = args.scenario
    ? list(
        'scenario',
        args.scenario,
        SCENARIOS.map((s) => s.id),
      ).map((id) => SCENARIOS.find((s) => s.id === id))
    : SCENARIOS;
  scenarios.sort((a, b) => SCENARIOS.indexOf(a) - SCENARIOS.indexOf(b));
  return {
    duration: args.duration ? positiveNumber('duration', args.duration, { integer: true, max: 600 }) : quick ? 3 : 10,
    repeat: args.repeat ? positiveNumber('repeat', args.repeat, { integer: true, max: 20 }) : quick ? 1 : 3,
    warmup: quick ? 1 : 2,
    connectionsList: args.connections.split(',').map((text) => positiveNumber('connections', text.trim(), { integer: true, max: 1000 })),
    databases: list('db', args.db, ['pglite', 'postgres']),
    scenarios,
    serverEntry: args.server ? resolve(args.server) : DEFAULT_SERVER_ENTRY,
    pgUrl: args['pg-url'] ?? process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    write: !args['no-write'],
    // Passed to the server under test as its environment.
    env: args.workers ? { WATCHTOWER_WORKERS: String(positiveNumber('workers', args.workers, { integer: true, max: 64 })) } : {},
  };
}

// ---------------------------------------------------------------------------------------

/** Starts the baseline and measures each database; answers the first line of a failure, if one stopped. */
async function measureAll(settings, results) {
  const { connectionsList, warmup } = settings;
  let failure;
  const baseline = await startBaseline();
  console.log(`  baseline node:http ready (${baseline.url}); warming it up`);
  for (const connections of connectionsList) {
    await load(baseline.url, { connections, seconds: warmup, requests: [{ method: 'GET', path: '/healthz' }] });
  }
  for (const database of settings.databases) {
    try {
      await benchDatabaseKind(database, baseline, settings, results);
    } catch (error) {
      if (isInterrupted()) throw error;
      // One database failing (a crash, a refused start) still lets the other be measured.
      failure = `${database}: ${error.message.split('\n')[0]}`;
      results.problems.push(`${database}: the run stopped: ${error.message}`);
      console.error(`\nbench: ${database} failed: ${error.message}`);
    }
  }
  return failure;
}

function writeResults(run, settings, results) {
  if (!settings.write) {
    console.log('bench/RESULTS.md left as it is (--no-write).');
  } else if (results.rows.length === 0) {
    console.log('No rows were measured; bench/RESULTS.md left as it is.');
  } else {
    // The alert latency section is written by bench/alerts.mjs: it stays.
    const alerts = /<!-- alerts:start -->[\s\S]*<!-- alerts:end -->/.exec(
      existsSync(RESULTS_FILE) ? readFileSync(RESULTS_FILE, 'utf8') : '',
    );
    writeFileSync(RESULTS_FILE, `${markdown(run, settings, results).trimEnd()}\n${alerts ? `\n${alerts[0]}\n` : ''}`);
    console.log(`Written to ${relative(process.cwd(), RESULTS_FILE) || RESULTS_FILE}.`);
  }
}

async function main() {
  const settings = readSettings();
  cleanUpOnSignals();
  addCleanUpStep(stopLoad);
  addCleanUpStep(dropDatabase, { last: true });
  const results = createResults();
  const started = new Date();
  // Taken now: the sources may change while the run goes on.
  const code = codeVersion();
  console.log(`watchtower bench: ${machine()}`);
  console.log(
    `  ${settings.databases.join(' + ')}; connections ${settings.connectionsList.join(', ')}; ${settings.repeat} run(s) of ${settings.duration} s per scenario, ` +
      `each after a baseline run; scenarios: ${settings.scenarios.map((s) => s.id).join(', ')}`,
  );
  let failure;
  try {
    failure = await measureAll(settings, results);
  } finally {
    await cleanUp();
  }
  if (isInterrupted()) return;

  printSummary(results);
  writeResults({ started, failure, code }, settings, results);
  if (failure || results.rows.some((row) => row.non2xx || row.errors)) process.exitCode = 1;
}

main().catch(async (error) => {
  if (!isInterrupted()) console.error(`bench: ${error.stack ?? error}`);
  await cleanUp();
  process.exit(isInterrupted() ? 130 : 1);
});
