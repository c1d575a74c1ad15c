#!/usr/bin/env node
// The benchmark of the built server. Run by `npm run bench` (which builds the server
// first), or directly with `node bench/run.mjs [options]` once it is built.
//
// Machines are shared and noisy, so no figure stands alone: every measured run of a
// scenario follows a run of the same length against each of two baselines, a bare node:http
// server and the same Hono + zod pulse route as the server's that stores nothing (the
// ceiling of a durable pulse), and the table gives the ratios to both. The server runs as a
// child process, once on PGlite (a fresh data folder) and once on PostgreSQL (a fresh
// database, dropped at the end), its RSS sampled throughout. Load goes to 127.0.0.1 only;
// every run and every wait is bounded in time, and every child is stopped however the run ends.
//
// This file reads the options and runs the steps; lib/ holds them: servers.mjs (the
// baselines and the server under test), ceiling-server.mjs (the no-storage route),
// postgres.mjs, load.mjs (autocannon), cpu.mjs, memory.mjs, scenarios.mjs, measure.mjs
// (runs and rows), report.mjs (the console output and RESULTS.md).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { addCleanUpStep, cleanUp, cleanUpOnSignals, isInterrupted } from './lib/children.mjs';
import { load, stopLoad } from './lib/load.mjs';
import { benchDatabaseKind, createResults } from './lib/measure.mjs';
import { DEFAULT_SERVER_ENTRY, RESULTS_FILE } from './lib/paths.mjs';
import { dropDatabase } from './lib/postgres.mjs';
import { codeVersion, formatDuration, machine, markdown, markedBlocks, printSummary } from './lib/report.mjs';
import { baselineRequests, DEFAULT_SCENARIOS, SCENARIOS } from './lib/scenarios.mjs';
import { startBaseline } from './lib/servers.mjs';

// ---------------------------------------------------------------------------------------
// Options

const USAGE = `usage: node bench/run.mjs [options]   (or: npm run bench -- [options])

  --duration S        seconds per measured run (default 10)
  --quick             3-second runs, 1-second warm-ups
  --repeat N          measured runs per row, median reported (default 1; 3 for steadier figures)
  --connections LIST  concurrent connections for every scenario, e.g. 50,200 (default: each
                      scenario's own: pulse and pulse-new at 50 and 200, events-batch at 10,
                      the others at 50)
  --db LIST           pglite,postgres (default both)
  --scenario LIST     of ${SCENARIOS.map((s) => s.id).join(', ')}
                      (default all but services-100k, which seeds 100,000 services by pulses
                      first and so adds minutes: about 2 on PGlite)
  --pg-url URL        PostgreSQL server to create the bench database on
                      (default postgres://postgres@127.0.0.1:5432/postgres, or $BENCH_PG_URL)
  --server FILE       the built server to measure (default apps/server/dist/main.js),
                      e.g. another commit's build to compare
  --workers N         WATCHTOWER_WORKERS of the server (PostgreSQL only; default 1)
  --no-write          print the table only; leave bench/RESULTS.md as it is
  --help

The default run (both databases, 9 rows each, 3 runs of 10 s per row: raw node:http, the
no-storage route, the server) takes 12 to 15 minutes on 2 cores; the total is printed at the end.`;

function parseCommandLine() {
  try {
    return parseArgs({
      options: {
        duration: { type: 'string' },
        quick: { type: 'boolean', default: false },
        repeat: { type: 'string' },
        connections: { type: 'string' },
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
    : [...DEFAULT_SCENARIOS];
  scenarios.sort((a, b) => SCENARIOS.indexOf(a) - SCENARIOS.indexOf(b));
  return {
    duration: args.duration ? positiveNumber('duration', args.duration, { integer: true, max: 600 }) : quick ? 3 : 10,
    repeat: args.repeat ? positiveNumber('repeat', args.repeat, { integer: true, max: 20 }) : 1,
    warmup: quick ? 1 : 2,
    // Given: for every scenario, in place of each one's own.
    connections: args.connections?.split(',').map((text) => positiveNumber('connections', text.trim(), { integer: true, max: 1000 })),
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

/** Starts the baselines and measures each database; answers the first line of a failure, if one stopped. */
async function measureAll(settings, results) {
  const { warmup } = settings;
  let failure;
  const baselines = { raw: await startBaseline('raw'), noStorage: await startBaseline('no-storage') };
  console.log(`  baselines ready: raw node:http ${baselines.raw.url}, no-storage pulse route ${baselines.noStorage.url}; warming them up`);
  const counts = new Set(settings.scenarios.flatMap((scenario) => settings.connections ?? scenario.connections));
  for (const connections of counts) {
    for (const baseline of Object.values(baselines)) {
      await load(baseline.url, { connections, seconds: warmup, requests: baselineRequests() });
    }
  }
  for (const database of settings.databases) {
    try {
      await benchDatabaseKind(database, baselines, settings, results);
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
    // The sections of the other benches (retention, export, alerts, …) stay as they are.
    const blocks = markedBlocks(existsSync(RESULTS_FILE) ? readFileSync(RESULTS_FILE, 'utf8') : '');
    writeFileSync(RESULTS_FILE, `${[markdown(run, settings, results).trimEnd(), ...blocks].join('\n\n')}\n`);
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
    `  ${settings.databases.join(' + ')}; ${settings.repeat} run(s) of ${settings.duration} s per row, each after a run of ` +
      `each baseline; scenarios (connections): ${settings.scenarios
        .map((s) => `${s.id} (${(settings.connections ?? s.connections).join(', ')})`)
        .join(', ')}`,
  );
  let failure;
  try {
    failure = await measureAll(settings, results);
  } finally {
    await cleanUp();
  }
  if (isInterrupted()) return;

  const elapsed = Date.now() - started.getTime();
  printSummary(results);
  writeResults({ started, failure, code, elapsed }, settings, results);
  console.log(`Total: ${formatDuration(elapsed)}.`);
  if (failure || results.rows.some((row) => row.non2xx || row.errors)) process.exitCode = 1;
}

main().catch(async (error) => {
  if (!isInterrupted()) console.error(`bench: ${error.stack ?? error}`);
  await cleanUp();
  process.exit(isInterrupted() ? 130 : 1);
});
