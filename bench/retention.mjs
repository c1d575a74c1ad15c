#!/usr/bin/env node
// What retention costs the hot path: `npm run bench:retention`.
//
// PostgreSQL holds N events (10 million by default) in daily partitions, seeded through the
// driver straight into each day's table before it is attached (bench/lib/seed-events.mjs).
// The built server runs as a child process, as `npm start` runs it, under a steady load of pulses and events from this process. While
// the load runs, the oldest days are dropped one after another with the statements the
// retention job runs (src/domain/retention/event-partitions.ts: lock_timeout, the day's
// purge records, DROP TABLE); each drop is timed, and the throughput and latency of pulses
// and events around each drop are compared with those just before. The figures replace the
// retention section of bench/RESULTS.md.
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { cleanUp, cleanUpOnSignals, isInterrupted, stopChild } from './lib/children.mjs';
import { HEADERS } from './lib/credentials.mjs';
import { DEFAULT_SERVER_ENTRY, RESULTS_FILE } from './lib/paths.mjs';
import { benchDatabaseUrl, dropDatabase, loadPostgresDriver } from './lib/postgres.mjs';
import { codeVersion, machine } from './lib/report.mjs';
import { postgresTarget, seedEvents } from './lib/seed-events.mjs';
import { settledBuild, startServer } from './lib/servers.mjs';

const { values: options } = parseArgs({
  options: {
    events: { type: 'string', default: '10000000' },
    days: { type: 'string', default: '10' },
    drops: { type: 'string', default: '3' },
    'pg-url': { type: 'string' },
    'no-write': { type: 'boolean', default: false },
  },
});
const EVENTS = Number(options.events);
const DAYS = Number(options.days);
const DROPS = Math.min(Number(options.drops), DAYS);
const SERVICES = 1_000;
const PULSE_CONNECTIONS = 40;
const EVENT_CONNECTIONS = 10;
const WARM_UP_MS = 3_000;
// Each drop's figures: the load in the BEFORE_MS before it against the WINDOW_MS from its start.
const BEFORE_MS = 4_000;
const WINDOW_MS = 2_000;

/** Pulses every service of the load once (its creation), 40 at a time. */
async function prime(url) {
  let next = 0;
  const worker = async () => {
    while (next < SERVICES) {
      const response = await fetch(`${url}/heartbeat`, {
        method: 'POST',
        headers: HEADERS,
        body: JSON.stringify({ service: `retention-bench-${next++}`, nextIn: 3600, alertType: 'log', alertTarget: 'ops' }),
      });
      if (response.status !== 200) throw new Error(`priming: HTTP ${response.status}: ${await response.text()}`);
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: PULSE_CONNECTIONS }, worker));
}

/** The first refused answer of each kind of load, to say why. */
const firstFailure = new Map();

/** Keeps `connections` requests of `kind` in flight until stopped; notes each answer. */
function startLoad(url, kind, connections, samples) {
  let stopped = false;
  let n = 0;
  const request = () => {
    const i = n++;
    return kind === 'pulse'
      ? fetch(`${url}/heartbeat`, {
          method: 'POST',
          headers: HEADERS,
          body: JSON.stringify({ service: `retention-bench-${i % SERVICES}`, nextIn: 3600, alertType: 'log', alertTarget: 'ops' }),
        })
      : fetch(`${url}/event`, {
          method: 'POST',
          headers: HEADERS,
          body: JSON.stringify({ service: `svc-${i % 1000}`, level: 20, message: `load ${i}` }),
        });
  };
  const worker = async () => {
    while (!stopped && !isInterrupted()) {
      const started = performance.now();
      let ok = false;
      try {
        const response = await request();
        const body = await response.text();
        ok = response.status === 200;
        if (!ok && !firstFailure.has(kind)) firstFailure.set(kind, `HTTP ${response.status}: ${body.slice(0, 300)}`);
      } catch {
        // Counted as a failure below.
      }
      samples.push({ kind, at: performance.now(), ms: performance.now() - started, ok });
    }
  };
  const workers = Array.from({ length: connections }, worker);
  return async () => {
    stopped = true;
    await Promise.all(workers);
  };
}

/** The statements of dropEventPartition, timed: the detach (the only part that locks events) and the drop. */
async function dropPartition(sql, name) {
  const started = performance.now();
  await sql.begin(async (tx) => {
    await tx.unsafe(`set local lock_timeout = '1s'`);
    await tx.unsafe('select pg_advisory_xact_lock(746574012)');
    await tx.unsafe('delete from event_level_purges where partition = $1', [name]);
    await tx.unsafe(`alter table events detach partition public.${name}`);
  });
  const detached = performance.now();
  await sql.unsafe(`drop table if exists public.${name}`);
  return { started, detached, ended: performance.now() };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

function windowFigures(samples, kind, from, to) {
  const inside = samples.filter((s) => s.kind === kind && s.at >= from && s.at < to);
  const latencies = inside.map((s) => s.ms).sort((a, b) => a - b);
  return {
    perSecond: inside.filter((s) => s.ok).length / ((to - from) / 1000),
    failed: inside.filter((s) => !s.ok).length,
    p50: percentile(latencies, 50) ?? 0,
    p99: percentile(latencies, 99) ?? 0,
    max: latencies[latencies.length - 1] ?? 0,
  };
}

async function measure() {
  const loadAtStart = os.loadavg()[0];
  const pgUrl = options['pg-url'] ?? process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const server = await startServer('postgres', { serverEntry: DEFAULT_SERVER_ENTRY, pgUrl });
  const sql = loadPostgresDriver()(benchDatabaseUrl(), { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    console.log(`seeding ${EVENTS.toLocaleString('en-US')} events over ${DAYS} days:`);
    const seedStarted = Date.now();
    const days = await seedEvents(postgresTarget(sql), { events: EVENTS, days: DAYS });
    const seedSeconds = (Date.now() - seedStarted) / 1000;
    const [{ rows }] = await sql.unsafe('select count(*)::bigint::text as rows from events');
    // Every service once first: the load then measures pulses of known services (updates).
    await prime(server.url);
    const samples = [];
    const stops = [startLoad(server.url, 'pulse', PULSE_CONNECTIONS, samples), startLoad(server.url, 'event', EVENT_CONNECTIONS, samples)];
    const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
    await sleep(WARM_UP_MS);
    const drops = [];
    for (const day of days.slice(0, DROPS)) {
      await sleep(BEFORE_MS);
      const timing = await dropPartition(sql, day.name);
      drops.push({ name: day.name, ...timing });
      console.log(
        `  dropped ${day.name} in ${(timing.ended - timing.started).toFixed(1)} ms (events locked for ${(timing.detached - timing.started).toFixed(1)} ms)`,
      );
      await sleep(WINDOW_MS);
    }
    await Promise.all(stops.map((stop) => stop()));
    const [{ left }] = await sql.unsafe('select count(*)::bigint::text as left from events');
    const rowsFor = (kind) =>
      drops.map((drop) => ({
        before: windowFigures(samples, kind, drop.started - BEFORE_MS, drop.started),
        during: windowFigures(samples, kind, drop.started, drop.started + WINDOW_MS),
      }));
    return {
      load: [loadAtStart, os.loadavg()[0]],
      rows: Number(rows),
      left: Number(left),
      seedSeconds,
      drops: drops.map((drop) => ({ name: drop.name, ms: drop.ended - drop.started, lockedMs: drop.detached - drop.started })),
      pulse: rowsFor('pulse'),
      event: rowsFor('event'),
    };
  } finally {
    await sql.end({ timeout: 5 });
    await stopChild(server.handle);
    await dropDatabase();
  }
}

const n0 = (value) => Math.round(value).toLocaleString('en-US');
const ms1 = (value) => value.toFixed(1);

function table(result) {
  const lines = [
    '| load | drop | req/s before | req/s during | p50 ms before / during | p99 ms before / during | max ms before / during | failed |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const kind of ['pulse', 'event']) {
    const label = kind === 'pulse' ? `POST /heartbeat (${PULSE_CONNECTIONS} conn)` : `POST /event (${EVENT_CONNECTIONS} conn)`;
    for (const [i, { before, during }] of result[kind].entries()) {
      lines.push(
        `| ${label} | ${i + 1} | ${n0(before.perSecond)} | ${n0(during.perSecond)} | ${ms1(before.p50)} / ${ms1(during.p50)} | ` +
          `${ms1(before.p99)} / ${ms1(during.p99)} | ${ms1(before.max)} / ${ms1(during.max)} | ${before.failed + during.failed} |`,
      );
    }
  }
  return lines.join('\n');
}

const START = '<!-- retention:start -->';
const END = '<!-- retention:end -->';

function writeSection(result, started, code) {
  const section = [
    START,
    '## Retention (`npm run bench:retention`)',
    '',
    `- date: ${started.toISOString().replace(/\.\d+Z$/, 'Z')}; machine: ${machine()}; code: ${code}`,
    `- load average (1 min) of the machine at the start and the end: ${result.load.map((value) => value.toFixed(1)).join(' / ')} (above the core count: other work shared the cores)`,
    `- PostgreSQL, ${result.rows.toLocaleString('en-US')} events in ${DAYS} daily partitions (seeded in ${result.seedSeconds.toFixed(0)} s); ` +
      `the ${DROPS} oldest days dropped one after another under a steady load of pulses and events (${SERVICES.toLocaleString('en-US')} services, each pulsed once before); ` +
      `each drop compares the ${BEFORE_MS / 1000} s before it with the ${WINDOW_MS / 1000} s from its start`,
    `- each drop, whole (detach, then drop) and the part that locks the events table (the detach): ${result.drops
      .map((drop) => `${drop.name} ${ms1(drop.ms)} ms (${ms1(drop.lockedMs)} ms)`)
      .join(', ')}; ${result.left.toLocaleString('en-US')} events left, the load's included`,
    '',
    table(result),
    END,
  ].join('\n');
  const current = readFileSync(RESULTS_FILE, 'utf8');
  const next = current.includes(START)
    ? current.replace(new RegExp(`${START}[\\s\\S]*${END}`), section)
    : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(RESULTS_FILE, next);
}

async function main() {
  cleanUpOnSignals();
  await settledBuild(DEFAULT_SERVER_ENTRY);
  const started = new Date();
  const code = codeVersion();
  console.log(`watchtower retention bench: ${machine()}`);
  let result;
  try {
    result = await measure();
  } finally {
    await cleanUp();
  }
  console.log(`\n${table(result)}`);
  for (const [kind, failure] of firstFailure) console.log(`first refused ${kind}: ${failure}`);
  if (!options['no-write']) writeSection(result, started, code);
  if (result.drops.some((drop) => drop.ms >= 1000) || firstFailure.size > 0) process.exitCode = 1;
}

main().catch(async (error) => {
  console.error(`bench: ${error.stack ?? error}`);
  await cleanUp();
  process.exit(1);
});
