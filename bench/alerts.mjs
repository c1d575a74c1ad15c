#!/usr/bin/env node
// How soon alerts leave when many fall due in the same second: `npm run bench:alerts`.
//
// `--live` services (100,000 on PostgreSQL by default) are alive, their deadlines an hour
// away; `--dying` of them (10,000) are configured with warnBefore and remindEvery and a
// webhook to a local receiver, then pulsed so that all their deadlines fall in the same
// second. Each of those then gets, in turn, its "running late" notice (warnBefore before the
// deadline), its death (at the deadline) and its first reminder (remindEvery after the death).
// The receiver (loopback, no rate limit) notes when each alert arrives; the lateness of an
// alert is its arrival minus the time it was due, read from the alert itself. The server runs
// as a child process, once on PGlite and once on PostgreSQL, as `npm start` runs it, and its
// RSS is sampled throughout. The figures replace the alerts section of bench/RESULTS.md.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { addCleanUpStep, alive, cleanUp, cleanUpOnSignals, isInterrupted, stopChild, tail } from './lib/children.mjs';
import { HEADERS } from './lib/credentials.mjs';
import { DEFAULT_SERVER_ENTRY, RESULTS_FILE } from './lib/paths.mjs';
import { benchDatabaseUrl, dropDatabase, loadPostgresDriver } from './lib/postgres.mjs';
import { codeVersion, machine } from './lib/report.mjs';
import { settledBuild, startServer } from './lib/servers.mjs';

const { values: options } = parseArgs({
  options: {
    live: { type: 'string' },
    dying: { type: 'string' },
    // The name --dying had before there were live services around them.
    services: { type: 'string' },
    db: { type: 'string', default: 'pglite,postgres' },
    'pg-url': { type: 'string' },
    'no-write': { type: 'boolean', default: false },
  },
});
// PGlite pulses its live services in over HTTP (nothing else can write its files while the
// server runs), 40 to 50 first pulses a second on a busy 2-core machine: its defaults are smaller.
const DEFAULTS = { postgres: { live: 100_000, dying: 10_000 }, pglite: { live: 5_000, dying: 1_000 } };
const sizes = (database) => {
  const dying = Number(options.dying ?? options.services ?? DEFAULTS[database].dying);
  const live = Math.max(dying, Number(options.live ?? DEFAULTS[database].live));
  if (!Number.isInteger(dying) || dying < 1) throw new Error(`--dying must be a whole number of services; received ${options.dying}`);
  return { live, dying };
};
const WARN_BEFORE = 10;
const REMIND_EVERY = 15;
const CONCURRENCY = 50;
const KINDS = ['late', 'down', 'reminder'];

/** A webhook receiver on loopback: when each alert arrived, by kind, with the time it was due. */
async function startReceiver() {
  const arrivals = { late: [], down: [], reminder: [] };
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const at = Date.now() / 1000;
      const alert = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const kind = alert.type.replace(/^heartbeat\./, '');
      // The first reminder of each service is measured; later ones (every remindEvery while the run waits) are not.
      if (kind === 'reminder' && alert.reminder !== 1) return response.writeHead(204).end();
      const due = kind === 'late' ? alert.expected - alert.warnBefore : kind === 'down' ? alert.expected : alert.diedAt + REMIND_EVERY;
      arrivals[kind]?.push({ id: alert.alertId, service: alert.service, due, lateness: at - due, at });
      response.writeHead(204).end();
    });
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  addCleanUpStep(() => new Promise((done) => server.close(done)).then(() => undefined));
  return { url: `http://127.0.0.1:${server.address().port}/hook`, arrivals };
}

/** Runs `work(i)` for i in 0..count-1, CONCURRENCY at a time; throws on any answer but 200. */
async function inParallel(count, work) {
  let next = 0;
  const worker = async () => {
    while (next < count && !isInterrupted()) {
      const index = next++;
      let response;
      // A 503 (a pulse that waited past its time for the commit, on a busy machine) is tried again, as a client would.
      for (let attempt = 0; ; attempt += 1) {
        try {
          response = await work(index);
        } catch (error) {
          // A kept-alive connection the server closed as it was reused: tried again on a new one.
          if (error.cause?.code === 'ECONNRESET' && attempt < 5) continue;
          throw new Error(`request ${index} failed: ${error.cause?.code ?? error.cause?.message ?? error.message}`);
        }
        if (response.status !== 503 || attempt >= 5) break;
        await response.arrayBuffer();
        await new Promise((done) => setTimeout(done, 1_000));
      }
      if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/**
 * When the server queued each alert (its outbox row's creation), by alert id: on PostgreSQL
 * read from the bench database in one query, on PGlite as GET /alerts tells it.
 */
async function queuedTimes(server, dying) {
  const created = new Map();
  if (server.database === 'postgres') {
    const sql = loadPostgresDriver()(benchDatabaseUrl(), { max: 1, onnotice: () => {} });
    try {
      const rows = await sql.unsafe(
        `select id, extract(epoch from created_at)::float8 as created from alerts where service like 'alert-bench-%'`,
      );
      for (const row of rows) created.set(row.id, row.created);
    } finally {
      await sql.end({ timeout: 5 });
    }
    return created;
  }
  let failed = 0;
  // One connection at a time per reader, a few readers: the figures are read after the run, not under load.
  await inParallel(dying, async (i) => {
    try {
      const response = await fetch(`${server.url}/alerts?service=alert-bench-${i}&limit=10`, { headers: HEADERS });
      if (response.status === 200) for (const alert of (await response.clone().json()).alerts) created.set(alert.id, alert.created);
      return response;
    } catch {
      failed += 1;
      return new Response('{}', { status: 200 });
    }
  });
  if (failed > 0) console.log(`  the queue times of ${failed} services could not be read; they are left out`);
  return created;
}

const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
    within1s: sorted.filter((v) => v <= 1).length,
  };
};

function summarize(arrivals, created, count) {
  return KINDS.map((kind) => {
    const received = arrivals[kind];
    const queued = received.flatMap((arrival) => (created.has(arrival.id) ? [created.get(arrival.id) - arrival.due] : []));
    return {
      kind,
      received: received.length,
      expected: count,
      queued: stats(queued),
      arrived: stats(received.map((arrival) => arrival.lateness)),
      // From the first arrival of the kind to the last.
      spread: Math.max(...received.map((arrival) => arrival.at)) - Math.min(...received.map((arrival) => arrival.at)),
    };
  });
}

/** The server's resident memory now, in MB (Linux); undefined where /proc does not tell it. */
function rssOf(pid) {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/**
 * The services that stay alive, `alert-live-<i>`, due an hour from now. On PostgreSQL they
 * are inserted straight into the bench database (the server has migrated it), as a server
 * that has run for a while would hold them; PGlite's files are the server's alone, so there
 * they are pulsed in over HTTP.
 */
async function seedLive(server, count) {
  if (count === 0) return;
  const started = Date.now();
  if (server.database === 'postgres') {
    const postgres = loadPostgresDriver();
    const sql = postgres(benchDatabaseUrl(), { max: 1, onnotice: () => {}, connection: { statement_timeout: 300_000 } });
    try {
      await sql.unsafe(
        `insert into heartbeats (service, alert_type, alert_target, next_in, last_at, expected_at)
         select 'alert-live-' || i, 'log', '', 3600, now(), now() + interval '1 hour' from generate_series(0, $1 - 1) i`,
        [count],
      );
    } finally {
      await sql.end({ timeout: 5 });
    }
  } else {
    await inParallel(count, (i) =>
      fetch(`${server.url}/heartbeat`, {
        method: 'POST',
        headers: HEADERS,
        body: JSON.stringify({ service: `alert-live-${i}`, nextIn: 3600, alertType: 'log', alertTarget: 'bench' }),
      }),
    );
  }
  const how = server.database === 'postgres' ? 'inserted' : 'pulsed in';
  console.log(`  ${count.toLocaleString('en-US')} live services ${how} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Configures the dying services by a first pulse: warnBefore, remindEvery, a webhook to the receiver. */
async function configureDying(url, receiver, dying) {
  const started = Date.now();
  await inParallel(dying, (i) =>
    fetch(`${url}/heartbeat`, {
      method: 'POST',
      headers: HEADERS,
      body: JSON.stringify({
        service: `alert-bench-${i}`,
        nextIn: 3600,
        warnBefore: WARN_BEFORE,
        remindEvery: REMIND_EVERY,
        alertType: 'webhook',
        alertTarget: receiver.url,
      }),
    }),
  );
  console.log(`  ${dying.toLocaleString('en-US')} dying services configured in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * Moves every dying service's deadline to the same instant; answers it. On PostgreSQL one
 * UPDATE does it (the sweeper reads the next deadline again within its 1 s poll); on PGlite
 * each service is pulsed again, the deadline a margin after the time the first pulses took.
 */
async function setDeadline(server, dying, pulseSeconds) {
  const started = Date.now();
  let deadline;
  if (server.database === 'postgres') {
    deadline = Date.now() / 1000 + 5 + WARN_BEFORE;
    const sql = loadPostgresDriver()(benchDatabaseUrl(), { max: 1, onnotice: () => {} });
    try {
      await sql.unsafe(`update heartbeats set expected_at = to_timestamp($1), next_in = 3600 where service like 'alert-bench-%'`, [
        deadline,
      ]);
    } finally {
      await sql.end({ timeout: 5 });
    }
  } else {
    deadline = Date.now() / 1000 + pulseSeconds * 1.5 + 5 + WARN_BEFORE;
    await inParallel(dying, (i) =>
      fetch(`${server.url}/heartbeat`, {
        method: 'POST',
        headers: HEADERS,
        body: JSON.stringify({ service: `alert-bench-${i}`, nextIn: deadline - Date.now() / 1000 }),
      }),
    );
  }
  if (Date.now() / 1000 > deadline - WARN_BEFORE)
    throw new Error('the deadlines were set after the late notices fell due: the run says nothing');
  console.log(`  their deadlines set to the same second in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return deadline;
}

async function measure(database) {
  const { live, dying } = sizes(database);
  const receiver = await startReceiver();
  const env = { WATCHTOWER_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`, WATCHTOWER_ALLOW_PRIVATE_TARGETS: '1' };
  // BENCH_CPU_PROF=DIR writes the server's CPU profile there when it stops.
  const nodeArgs = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const server = await startServer(database, {
    serverEntry: DEFAULT_SERVER_ENTRY,
    pgUrl: options['pg-url'] ?? process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    env,
    nodeArgs,
  });
  const pid = server.handle.child.pid;
  try {
    // The dying services are among the live ones: the others are the rest, seeded after them.
    const started = Date.now();
    await configureDying(server.url, receiver, dying);
    const pulseSeconds = (Date.now() - started) / 1000;
    await seedLive(server, live - dying);
    const deadline = await setDeadline(server, dying, pulseSeconds);
    const idle = rssOf(pid);
    let peak = idle ?? 0;
    const waitUntil = (deadline + REMIND_EVERY + 60) * 1000;
    while (Date.now() < waitUntil && !isInterrupted() && KINDS.some((kind) => receiver.arrivals[kind].length < dying)) {
      await new Promise((done) => setTimeout(done, 250));
      peak = Math.max(peak, rssOf(pid) ?? 0);
    }
    if (!alive(server.handle)) throw new Error(`the server exited: ${JSON.stringify(server.handle.exit)}\n${tail(server.handle.output())}`);
    if (KINDS.some((kind) => receiver.arrivals[kind].length < dying))
      console.log(`  not all arrived; the server said:\n${tail(server.handle.output())}`);
    const memory = { before: idle, peak: idle === undefined ? undefined : peak };
    console.log(`  RSS: ${megabytes(memory.before)} before the first notice, at most ${megabytes(memory.peak)} while the alerts went out`);
    const rows = summarize(receiver.arrivals, await queuedTimes(server, dying), dying);
    return rows.map((row) => ({ ...row, live, memory }));
  } finally {
    await stopChild(server.handle);
    await dropDatabase();
  }
}

const megabytes = (value) => (value === undefined ? '–' : `${Math.round(value)} MB`);

const seconds = (value) => (value === undefined || !Number.isFinite(value) ? '–' : `${value.toFixed(3)} s`);

const figures = ({ p50, p99, max, within1s }) =>
  `${seconds(p50)} | ${seconds(p99)} | ${seconds(max)} | ${(within1s ?? 0).toLocaleString('en-US')}`;

function table(rows) {
  return [
    '| database | live | alert | received | queued p50 | p99 | max | within 1 s | arrived p50 | p99 | max (all delivered) | within 1 s | first to last arrival | server RSS before / peak |',
    '|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (row) =>
        `| ${row.database} | ${row.live.toLocaleString('en-US')} | ${row.kind} | ${row.received.toLocaleString('en-US')} / ${row.expected.toLocaleString('en-US')} | ${figures(row.queued)} | ${figures(row.arrived)} | ${seconds(row.spread)} | ${megabytes(row.memory.before)} / ${megabytes(row.memory.peak)} |`,
    ),
  ].join('\n');
}

const START = '<!-- alerts:start -->';
const END = '<!-- alerts:end -->';

function writeSection(rows, started, code) {
  const section = [
    START,
    '## Alert latency (`npm run bench:alerts`)',
    '',
    `- date: ${started.toISOString().replace(/\.\d+Z$/, 'Z')}; machine: ${machine()}; code: ${code}`,
    `- \`live\` services alive (an hour from their deadlines); ${[...new Set(rows.map((row) => row.expected))].map((n) => n.toLocaleString('en-US')).join(' / ')} of them (\`received\`'s total) all due in the same second: each of those gets a late notice (warnBefore ${WARN_BEFORE} s), its death at the deadline, and a reminder (remindEvery ${REMIND_EVERY} s), by webhook to a receiver on loopback with no rate limit`,
    "- the server's RSS is read from /proc before the first notice is due, and at its highest until the last alert arrived",
    '- lateness after the time each alert was due (deadline − warnBefore, the deadline, the death + remindEvery, as the alert itself gives them): **queued** is when the server wrote it to its outbox (GET /alerts `created`), **arrived** when the receiver got it',
    '',
    table(rows),
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
  console.log(`watchtower alert bench: ${machine()}`);
  const rows = [];
  try {
    for (const database of options.db.split(',')) {
      console.log(`${database}:`);
      for (const row of await measure(database)) {
        rows.push({ database, ...row });
        console.log(
          `  ${row.kind}: ${row.received}/${row.expected} received; queued p50 ${seconds(row.queued.p50)} p99 ${seconds(row.queued.p99)}; arrived p50 ${seconds(row.arrived.p50)} p99 ${seconds(row.arrived.p99)} max ${seconds(row.arrived.max)}`,
        );
      }
    }
  } finally {
    await cleanUp();
  }
  console.log(`\n${table(rows)}`);
  if (!options['no-write']) writeSection(rows, started, code);
  if (rows.some((row) => row.received < row.expected)) process.exitCode = 1;
}

main().catch(async (error) => {
  console.error(`bench: ${error.stack ?? error}`);
  await cleanUp();
  process.exit(1);
});
