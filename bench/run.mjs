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
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_SERVER_ENTRY = join(root, 'apps/server/dist/main.js');
const RESULTS_FILE = join(root, 'bench/RESULTS.md');
// Per run, so a server of another run or test cannot pass for ours.
const TOKEN = randomBytes(12).toString('hex');
const PASSWORD = `bench-${TOKEN}`;
const SERVICES = 10_000;
const SEED_EVENTS = 10_000;
// One seeded event in SEARCH_EVERY carries SEARCH_WORD: the contains-filter matches 200 of
// 10,000 rows, so a page of 100 needs the matches found and sorted, not just the newest rows.
const SEARCH_WORD = 'timeout';
const SEARCH_EVERY = 50;

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
  --no-write          print the table only; leave bench/RESULTS.md as it is
  --help`;

let parsed;
try {
  parsed = parseArgs({
    options: {
      duration: { type: 'string' },
      quick: { type: 'boolean', default: false },
      repeat: { type: 'string' },
      connections: { type: 'string', default: '50' },
      db: { type: 'string', default: 'pglite,postgres' },
      scenario: { type: 'string' },
      'pg-url': { type: 'string' },
      server: { type: 'string' },
      'no-write': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
} catch (error) {
  console.error(`bench: ${error.message}\n\n${USAGE}`);
  process.exit(2);
}
const args = parsed.values;
if (args.help) {
  console.log(USAGE);
  process.exit(0);
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
  const items = text.split(',').map((item) => item.trim()).filter(Boolean);
  const unknown = items.filter((item) => !allowed.includes(item));
  if (items.length === 0 || unknown.length > 0) {
    console.error(`bench: --${name} takes a comma-separated list of ${allowed.join(', ')}; received ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return [...new Set(items)];
}

const quick = args.quick;
const duration = args.duration ? positiveNumber('duration', args.duration, { integer: true, max: 600 }) : quick ? 3 : 10;
const repeat = args.repeat ? positiveNumber('repeat', args.repeat, { integer: true, max: 20 }) : quick ? 1 : 3;
const warmup = quick ? 1 : 2;
const connectionsList = args.connections
  .split(',')
  .map((text) => positiveNumber('connections', text.trim(), { integer: true, max: 1000 }));
const databases = list('db', args.db, ['pglite', 'postgres']);
const serverEntry = args.server ? resolve(args.server) : DEFAULT_SERVER_ENTRY;
const pgUrl = args['pg-url'] ?? process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

// ---------------------------------------------------------------------------------------
// Scenarios. Each yields autocannon `requests`; the headers of every request carry the password.

let pulseCounter = 0;
let eventCounter = 0;

function pulseBody(index) {
  return JSON.stringify({ service: `bench-service-${index}`, alertType: 'log', alertTarget: 'bench', nextIn: 3600 });
}

function eventBody(index, seeded) {
  const message = seeded && index % SEARCH_EVERY === 0
    ? `backup ${index} failed: ${SEARCH_WORD} after 30 s talking to the storage host`
    : `backup ${index} finished in ${index % 997} ms`;
  return JSON.stringify({ service: `bench-service-${index % 100}`, level: index % 5 === 0 ? 'warning' : 'info', message });
}

const SCENARIOS = [
  {
    id: 'healthz',
    label: 'GET /healthz',
    requests: () => [{ method: 'GET', path: '/healthz' }],
    sample: () => ({ method: 'GET', path: '/healthz' }),
  },
  {
    id: 'pulse',
    write: true,
    label: `POST /heartbeat (${SERVICES.toLocaleString('en-US')} services)`,
    // A shared counter: consecutive requests (of all connections) pulse different
    // services, so a group-commit batch holds distinct rows as real traffic would.
    requests: () => [
      {
        method: 'POST',
        path: '/heartbeat',
        setupRequest: (request) => {
          request.body = pulseBody(pulseCounter++ % SERVICES);
          return request;
        },
      },
    ],
    sample: () => ({ method: 'POST', path: '/heartbeat', body: pulseBody(0) }),
  },
  {
    id: 'events-list',
    label: 'GET /events?limit=100',
    requests: () => [{ method: 'GET', path: '/events?limit=100' }],
    sample: () => ({ method: 'GET', path: '/events?limit=100' }),
  },
  {
    id: 'events-search',
    label: `GET /events?message=${SEARCH_WORD}`,
    requests: () => [{ method: 'GET', path: `/events?message=${SEARCH_WORD}` }],
    sample: () => ({ method: 'GET', path: `/events?message=${SEARCH_WORD}` }),
  },
  {
    // Last: it grows the events table, which the two reads above should see at its seeded size.
    id: 'event',
    write: true,
    label: 'POST /event (small messages)',
    requests: () => [
      {
        method: 'POST',
        path: '/event',
        setupRequest: (request) => {
          request.body = eventBody(SEED_EVENTS + eventCounter++, false);
          return request;
        },
      },
    ],
    sample: () => ({ method: 'POST', path: '/event', body: eventBody(1, false) }),
  },
];
const scenarios = args.scenario
  ? list('scenario', args.scenario, SCENARIOS.map((s) => s.id)).map((id) => SCENARIOS.find((s) => s.id === id))
  : SCENARIOS;
scenarios.sort((a, b) => SCENARIOS.indexOf(a) - SCENARIOS.indexOf(b));

const HEADERS = { password: PASSWORD, 'content-type': 'application/json' };

// ---------------------------------------------------------------------------------------
// Children and clean-up

/** @type {Set<{ name: string, child: import('node:child_process').ChildProcess, exited: Promise<void> }>} */
const children = new Set();
const temporaryFolders = [];
let benchDatabase; // { admin: sql, name } once created
let currentLoad; // the autocannon instance running now, stopped on SIGINT
let interrupted = false;

function temporaryFolder(prefix) {
  const folder = mkdtempSync(join(os.tmpdir(), prefix));
  temporaryFolders.push(folder);
  return folder;
}

async function freePort() {
  return new Promise((found, failed) => {
    const probe = createServer();
    probe.once('error', failed);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => found(port));
    });
  });
}

function startChild(name, args, { env, cwd }) {
  // Once clean-up began, nothing new starts (it would outlive this process).
  if (interrupted || cleaning) throw new Error('interrupted');
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  // Both streams in arrival order: the server logs (pino, JSON lines) to stdout, crashes to stderr.
  let output = '';
  // Kept bounded: a server that logs an error per request must not fill this process's memory.
  const keep = (text, chunk) => (text.length > 2_000_000 ? text : text + chunk);
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    stdout = keep(stdout, chunk);
    output = keep(output, chunk);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    stderr = keep(stderr, chunk);
    output = keep(output, chunk);
  });
  const handle = {
    name,
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    output: () => output,
    exit: undefined,
    exited: undefined,
  };
  handle.exited = new Promise((done) => {
    child.once('close', (code, signal) => {
      handle.exit = { code, signal };
      children.delete(handle);
      done();
    });
    child.once('error', (error) => {
      stderr += `\n[bench] could not run the child: ${error.message}\n`;
      output += `\n[bench] could not run the child: ${error.message}\n`;
    });
  });
  children.add(handle);
  return handle;
}

const alive = (handle) => handle.exit === undefined;

/** SIGTERM (the server then closes its database cleanly); SIGKILL after `ms`. */
async function stopChild(handle, ms = 15_000) {
  if (!alive(handle)) return handle.exit;
  handle.child.kill('SIGTERM');
  let timer;
  const late = new Promise((done) => (timer = setTimeout(() => done('late'), ms)));
  const outcome = await Promise.race([handle.exited, late]);
  clearTimeout(timer);
  if (outcome === 'late') {
    console.error(`bench: ${handle.name} did not stop within ${ms / 1000} s of SIGTERM; killing it`);
    handle.child.kill('SIGKILL');
    await Promise.race([handle.exited, new Promise((done) => setTimeout(done, 5_000))]);
  }
  return handle.exit;
}

let cleaning;
function cleanUp() {
  cleaning ??= (async () => {
    currentLoad?.stop();
    await Promise.all([...children].map((handle) => stopChild(handle)));
    await dropDatabase();
    for (const folder of temporaryFolders) rmSync(folder, { recursive: true, force: true });
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (interrupted) {
      // A second signal: no more waiting.
      for (const handle of children) handle.child.kill('SIGKILL');
      process.exit(130);
    }
    interrupted = true;
    console.error(`\nbench: ${signal}: stopping the children and dropping the bench database (again to force)`);
    cleanUp().finally(() => process.exit(130));
  });
}

// ---------------------------------------------------------------------------------------
// PostgreSQL: a fresh database per run, through the server's own driver (no psql needed).

function loadPostgresDriver() {
  const require = createRequire(join(root, 'apps/server/package.json'));
  return require('postgres');
}

async function createDatabase() {
  if (interrupted || cleaning) throw new Error('interrupted');
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

/**
 * VACUUM ANALYZE the bench database, as autovacuum would soon after the seeding on a real
 * server: without statistics the planner of a freshly filled table guesses (and guesses
 * badly), and the trigram index keeps new rows in its pending list until a vacuum.
 */
async function vacuumDatabase() {
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
async function committedTransactions() {
  if (!benchDatabase) return undefined;
  const [row] = await benchDatabase.admin`select xact_commit::bigint::text as commits from pg_stat_database where datname = ${benchDatabase.name}`;
  return row ? Number(row.commits) : undefined;
}

async function dropDatabase() {
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

// ---------------------------------------------------------------------------------------
// CPU accounting (Linux /proc; left blank elsewhere), to see who had the 2 cores.

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux this runs on

function processTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return undefined;
  }
}

/** CPU ticks of the PostgreSQL backends serving `database` (they come and go), by pid. */
function postgresTicks(database) {
  const ticks = new Map();
  let entries;
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== 'postgres') continue;
      // A backend's title: "postgres: 15/main: USER DATABASE HOST(PORT) STATE".
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').split(' ').includes(database)) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(entry, Number(fields[11]) + Number(fields[12]));
    } catch {
      // gone meanwhile
    }
  }
  return ticks;
}

/** Busy and stolen ticks of the whole machine, all cores. */
function machineTicks() {
  try {
    const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return { busy: user + nice + system + irq + softirq, steal };
  } catch {
    return undefined;
  }
}

/**
 * Who used the CPU during a run, in % of one core: the server, this load generator, the
 * PostgreSQL backends of the bench database, and everything else on the machine ("other",
 * e.g. someone's test run: a run with much of it is measured on a busy machine).
 */
function cpuProbe(serverPid, database) {
  const wall = process.hrtime.bigint();
  const own = process.cpuUsage();
  const server = processTicks(serverPid);
  const pg = database ? postgresTicks(database) : undefined;
  const total = machineTicks();
  return () => {
    const seconds = Number(process.hrtime.bigint() - wall) / 1e9;
    const ownUsed = process.cpuUsage(own);
    const percent = (cpuSeconds) => (cpuSeconds === undefined ? undefined : (100 * cpuSeconds) / seconds);
    const serverNow = processTicks(serverPid);
    const totalNow = machineTicks();
    let pgSeconds;
    if (pg) {
      let ticks = 0;
      for (const [pid, now] of postgresTicks(database) ?? []) ticks += now - (pg.get(pid) ?? 0);
      pgSeconds = ticks / TICKS_PER_SECOND;
    }
    const usage = {
      server: percent(server === undefined || serverNow === undefined ? undefined : (serverNow - server) / TICKS_PER_SECOND),
      generator: percent((ownUsed.user + ownUsed.system) / 1e6),
      postgres: percent(pgSeconds),
    };
    if (total && totalNow) {
      const busy = percent((totalNow.busy - total.busy) / TICKS_PER_SECOND);
      usage.other = Math.max(0, busy - (usage.server ?? 0) - usage.generator - (usage.postgres ?? 0));
      usage.steal = percent((totalNow.steal - total.steal) / TICKS_PER_SECOND);
    }
    return usage;
  };
}

// ---------------------------------------------------------------------------------------
// Load

/** One autocannon run; stopped by a watchdog if it overruns its time by far. */
async function load(url, { connections, seconds, amount, requests }) {
  const options = {
    url,
    connections,
    pipelining: 1,
    timeout: 10,
    headers: HEADERS,
    requests,
    ...(amount ? { amount } : { duration: seconds }),
  };
  const instance = autocannon(options);
  currentLoad = instance;
  const limit = (amount ? 120 : seconds + 30) * 1000;
  let overran = false;
  const watchdog = setTimeout(() => {
    overran = true;
    instance.stop();
  }, limit);
  try {
    const result = await instance;
    if (overran) result.overran = true;
    return result;
  } finally {
    clearTimeout(watchdog);
    currentLoad = undefined;
  }
}

function summarize(result) {
  const seconds = result.duration || 1;
  const ok = result['2xx'];
  return {
    // Only answers with a 2xx count as throughput; everything else is reported apart.
    rps: ok / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, count])),
    overran: Boolean(result.overran),
  };
}

/** One request made by hand and checked, so a scenario that only gets 4xx fails loudly before the load. */
async function check(url, request) {
  const response = await fetch(url + request.path, {
    method: request.method,
    headers: HEADERS,
    body: request.body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (response.status !== 200 || body?.result !== 200) {
    throw new Error(`${request.method} ${request.path} answered ${response.status}: ${text.slice(0, 500)}`);
  }
  return body;
}

/**
 * Waits for /healthz, then makes sure the answer came from our child: a port found free
 * can be taken by another process before the child listens, and load must never go to it.
 */
async function waitUntilReady(handle, url, ours, ms = 60_000) {
  const deadline = Date.now() + ms;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (!alive(handle)) {
      throw new Error(`${handle.name} exited (${JSON.stringify(handle.exit)}) before it answered:\n${tail(handle.output())}`);
    }
    if (interrupted) throw new Error('interrupted');
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) {
        await response.arrayBuffer();
        if (alive(handle) && (await ours(url))) return;
        throw new Error(`${url} answers, but not as ${handle.name} would (another process took the port?); no load is sent there`);
      }
      last = `HTTP ${response.status}`;
    } catch (error) {
      if (error.message.includes('no load is sent there')) throw error;
      last = error.cause?.code ?? error.message;
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`${handle.name} did not answer /healthz within ${ms / 1000} s (last: ${last})`);
}

function tail(text, lines = 40) {
  const all = text.trimEnd().split('\n');
  return (all.length > lines ? [`… (${all.length - lines} earlier lines)`, ...all.slice(-lines)] : all).join('\n');
}

// ---------------------------------------------------------------------------------------
// The baseline: a bare node:http server, the "raw node:http" row of shared/VERSIONS.md.

const BASELINE_SOURCE = `
const http = require('node:http');
const body = JSON.stringify({ result: 200, status: 'ok' });
const server = http.createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    if (request.url === '/whoami') return response.end(process.env.BENCH_TOKEN);
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    response.end(body);
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)).closeAllConnections());
`;

async function startBaseline() {
  const port = await freePort();
  const handle = startChild('baseline (node:http)', ['-e', BASELINE_SOURCE], {
    cwd: temporaryFolder('watchtower-bench-cwd-'),
    env: { PATH: process.env.PATH ?? '', PORT: String(port), BENCH_TOKEN: TOKEN },
  });
  const url = `http://127.0.0.1:${port}`;
  const ours = async (base) => (await (await fetch(`${base}/whoami`, { signal: AbortSignal.timeout(2_000) })).text()) === TOKEN;
  await waitUntilReady(handle, url, ours, 15_000);
  return { handle, url };
}

// ---------------------------------------------------------------------------------------
// The server under test

/** A short hash of the built server, or undefined while it is missing. */
function buildHash() {
  try {
    return createHash('sha256').update(readFileSync(serverEntry)).digest('hex').slice(0, 12);
  } catch {
    return undefined;
  }
}

/**
 * The build as it is now, once it is complete: someone else's build in the same checkout
 * empties dist/ for a few seconds (tsup cleans it first), so a missing or changing file is
 * waited for, within limits.
 */
async function settledBuild(ms = 60_000) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    if (interrupted) throw new Error('interrupted');
    const hash = buildHash();
    if (hash !== undefined && hash === last) return hash;
    last = hash;
    await new Promise((done) => setTimeout(done, 1_000));
  }
  throw new Error(`${relative(root, serverEntry)} is missing or still changing after ${ms / 1000} s: build it first (node scripts/workspace.mjs build), or run npm run bench`);
}

let firstBuild;

async function startServer(database) {
  const build = await settledBuild();
  firstBuild ??= build;
  if (build !== firstBuild) {
    problems.push(`the server build changed during the run (${firstBuild} at the start, ${build} for ${database}): the rows of the two databases measure different code`);
  }
  builds.push(`${database}: ${build}`);
  const port = await freePort();
  // Built from scratch, as the process tests do: none of this shell's variables leak in.
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? os.tmpdir(),
    TMPDIR: os.tmpdir(),
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    WATCHTOWER_PASSWORD: PASSWORD,
    WATCHTOWER_DATA_DIR: temporaryFolder('watchtower-bench-data-'),
  };
  if (database === 'postgres') env.DATABASE_URL = await createDatabase();
  // As `npm start` runs it; the working folder is empty, so no stray config/config.json is read.
  const handle = startChild(`server (${database})`, ['--enable-source-maps', serverEntry], {
    cwd: temporaryFolder('watchtower-bench-cwd-'),
    env,
  });
  const url = `http://127.0.0.1:${port}`;
  // Our password opens it; another watchtower (a test's) would answer 401.
  const ours = async (base) => {
    const response = await fetch(`${base}/events?limit=1`, { headers: HEADERS, signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
    return response.status === 200;
  };
  await waitUntilReady(handle, url, ours);
  return { handle, url };
}

/** Fills the tables the scenarios read or update: every pulsed service exists, ~10,000 events. */
async function seed(server) {
  const seeds = [];
  if (scenarios.some((s) => s.id === 'pulse')) {
    let next = 0;
    seeds.push({
      what: `${SERVICES} services`,
      amount: SERVICES,
      requests: [{ method: 'POST', path: '/heartbeat', setupRequest: (r) => ((r.body = pulseBody(next++)), r) }],
    });
  }
  if (scenarios.some((s) => s.id === 'events-list' || s.id === 'events-search')) {
    let next = 0;
    seeds.push({
      what: `${SEED_EVENTS} events`,
      amount: SEED_EVENTS,
      requests: [{ method: 'POST', path: '/event', setupRequest: (r) => ((r.body = eventBody(next++, true)), r) }],
    });
  }
  for (const { what, amount, requests } of seeds) {
    const started = Date.now();
    const result = summarize(await load(server.url, { connections: 50, amount, requests }));
    const took = ((Date.now() - started) / 1000).toFixed(1);
    const ok = amount - result.non2xx - result.errors;
    console.log(`  seeded ${what} in ${took} s${result.non2xx || result.errors ? `: ${describeFailures(result)}` : ''}`);
    if (result.non2xx || result.errors || result.overran) {
      problems.push(`${server.database}: seeding ${what}: ${describeFailures(result)}${result.overran ? ' (stopped by the watchdog)' : ''}; ${ok} may have been stored`);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Measuring

const rows = [];
const problems = [];
/** Which build (a hash of dist/main.js) each database was measured with. */
const builds = [];
/** Rows measured while other processes used more than BUSY_OTHER % of a core. */
const busyRows = [];
const BUSY_OTHER = 25;

async function settledCommits() {
  await new Promise((done) => setTimeout(done, 1_500));
  return committedTransactions();
}

function median(values) {
  const sorted = values.filter((v) => v !== undefined && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function describeFailures(result) {
  const parts = [];
  if (result.non2xx) {
    const codes = Object.entries(result.statusCodes).filter(([code]) => !code.startsWith('2'));
    parts.push(`${result.non2xx} non-2xx (${codes.map(([code, count]) => `${count}× ${code}`).join(', ')})`);
  }
  if (result.errors) parts.push(`${result.errors} errors (${result.timeouts} timeouts)`);
  return parts.join(', ');
}

const fmt = {
  int: (n) => (n === undefined ? '–' : Math.round(n).toLocaleString('en-US')),
  ms: (n) => (n === undefined ? '–' : n < 10 ? n.toFixed(1) : String(Math.round(n))),
  // Two significant digits below 1 (0.052×, 0.0043×): the slow routes are far below the baseline.
  ratio: (n) => (n === undefined ? '–' : n >= 1 ? `${n.toFixed(2)}×` : `${Number(n.toPrecision(2))}×`),
  pct: (n) => (n === undefined ? '–' : String(Math.round(n))),
};

async function measureScenario(scenario, database, server, baseline, connections) {
  const body = await check(server.url, scenario.sample());
  if (scenario.id === 'events-search' && body.events.length === 0) {
    problems.push(`${database}: GET /events?message=${SEARCH_WORD} found no events: the seeding did not reach the table`);
  }
  if (scenario.id === 'events-list' && body.events.length < 100) {
    problems.push(`${database}: GET /events?limit=100 returned ${body.events.length} events, not 100`);
  }
  // Warm-up, not measured: the JIT, the prepared statements and the connection pools settle.
  await load(server.url, { connections, seconds: warmup, requests: scenario.requests() });

  const runs = [];
  for (let i = 1; i <= repeat; i++) {
    if (interrupted) throw new Error('interrupted');
    const baseRun = summarize(await load(baseline.url, { connections, seconds: duration, requests: [{ method: 'GET', path: '/healthz' }] }));
    const outputBefore = server.handle.output().length;
    const countCommits = database === 'postgres' && scenario.write;
    const commitsBefore = countCommits ? await settledCommits() : undefined;
    const cpu = cpuProbe(server.handle.child.pid, database === 'postgres' ? benchDatabase?.name : undefined);
    const run = summarize(await load(server.url, { connections, seconds: duration, requests: scenario.requests() }));
    run.cpu = cpu();
    if (countCommits) {
      const commitsAfter = await settledCommits();
      const commits = commitsAfter - commitsBefore;
      // Every 2xx write was committed; how many shared a commit is what group commit is for.
      if (commits > 0) run.perCommit = (run.statusCodes['200'] ?? 0) / commits;
    }
    run.baseline = baseRun;
    run.ratio = baseRun.rps ? run.rps / baseRun.rps : undefined;
    runs.push(run);
    const failures = describeFailures(run);
    console.log(
      `  ${scenario.id.padEnd(13)} ${database.padEnd(8)} c=${connections} run ${i}/${repeat}: ` +
        `${fmt.int(run.rps)} req/s, p50 ${fmt.ms(run.p50)} ms, p99 ${fmt.ms(run.p99)} ms; ` +
        `baseline ${fmt.int(baseRun.rps)} req/s → ${fmt.ratio(run.ratio)}; ` +
        `CPU server ${fmt.pct(run.cpu.server)}%, generator ${fmt.pct(run.cpu.generator)}%` +
        (run.cpu.postgres !== undefined ? `, postgres ${fmt.pct(run.cpu.postgres)}%` : '') +
        (run.cpu.other !== undefined ? `, other ${fmt.pct(run.cpu.other)}%` : '') +
        (run.cpu.steal > 5 ? `, stolen ${fmt.pct(run.cpu.steal)}%` : '') +
        (run.perCommit !== undefined ? `; ${run.perCommit.toFixed(1)} writes per commit` : ''),
    );
    if (run.cpu.other > BUSY_OTHER) {
      console.log(`  ^ other processes used ${fmt.pct(run.cpu.other)}% of a core during this run: the machine was busy`);
    }
    if (failures || run.overran) {
      const newOutput = server.handle.output().slice(outputBefore);
      console.log(`\n  !!!!! ${scenario.label} on ${database}, c=${connections}: ${failures}${run.overran ? ' (overran; stopped by the watchdog)' : ''} !!!!!`);
      if (newOutput.trim()) console.log(`  server output during this run:\n${indent(tail(newOutput, 20), '    | ')}\n`);
    }
    if (describeFailures(baseRun)) {
      problems.push(`baseline before ${scenario.id} on ${database}, c=${connections}: ${describeFailures(baseRun)}`);
    }
    if (!alive(server.handle)) {
      throw new Error(`${server.handle.name} died during ${scenario.label} (${JSON.stringify(server.handle.exit)}):\n${tail(server.handle.output())}`);
    }
  }

  const sum = (key) => runs.reduce((total, run) => total + run[key], 0);
  const statusCodes = {};
  for (const run of runs) {
    for (const [code, count] of Object.entries(run.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + count;
  }
  const row = {
    scenario: scenario.label,
    database,
    connections,
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    non2xx: sum('non2xx'),
    errors: sum('errors'),
    timeouts: sum('timeouts'),
    statusCodes,
    baselineRps: median(runs.map((r) => r.baseline.rps)),
    // The median of the paired ratios: each run against the baseline measured just before it.
    ratio: median(runs.map((r) => r.ratio)),
    cpuServer: median(runs.map((r) => r.cpu.server)),
    cpuGenerator: median(runs.map((r) => r.cpu.generator)),
    cpuPostgres: median(runs.map((r) => r.cpu.postgres)),
    cpuOther: median(runs.map((r) => r.cpu.other)),
    cpuOtherMax: Math.max(...runs.map((r) => r.cpu.other ?? 0)),
    perCommit: median(runs.map((r) => r.perCommit)),
  };
  if (row.cpuOtherMax > BUSY_OTHER) {
    busyRows.push(`${scenario.label} on ${database}, c=${connections} (other processes: up to ${fmt.pct(row.cpuOtherMax)}% of a core)`);
  }
  if (row.non2xx || row.errors) {
    problems.push(`${scenario.label} on ${database}, c=${connections}: ${describeFailures(row)} over ${repeat} run(s) of ${duration} s`);
  }
  rows.push(row);
}

function indent(text, prefix) {
  return text.split('\n').map((line) => prefix + line).join('\n');
}

async function benchDatabaseKind(database, baseline) {
  console.log(`\n== ${database} ==`);
  const startedAt = Date.now();
  const server = await startServer(database);
  server.database = database;
  console.log(`  server ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s (pid ${server.handle.child.pid}, ${server.url})`);
  try {
    await seed(server);
    if (database === 'postgres') await vacuumDatabase();
    // Scenario by scenario (each at every connection count), so the reads see the events
    // table at its seeded size before the event scenario grows it.
    for (const scenario of scenarios) {
      for (const connections of connectionsList) {
        await measureScenario(scenario, database, server, baseline, connections);
      }
    }
  } finally {
    const exit = await stopChild(server.handle);
    // With LOG_LEVEL=warn, whatever the server prints is a warning, an error or a crash.
    const output = server.handle.output().trim();
    const cleanExit = exit && exit.code === 0;
    if (!cleanExit) problems.push(`${server.handle.name} did not exit cleanly on SIGTERM: ${JSON.stringify(exit)}`);
    if (output) {
      const lines = output.split('\n').length;
      problems.push(`${server.handle.name} printed ${lines} line(s) at LOG_LEVEL=warn (last ones):\n\n\`\`\`\n${tail(output, 30)}\n\`\`\``);
      console.log(`  ${server.handle.name} printed ${lines} line(s) at LOG_LEVEL=warn (last ones):\n${indent(tail(output, 30), '    | ')}`);
    }
    if (database === 'postgres') await dropDatabase();
  }
}

// ---------------------------------------------------------------------------------------
// Report

function table() {
  const header = ['scenario', 'database', 'conn', 'req/s (2xx)', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'baseline req/s', 'ratio', 'CPU % server / gen / pg / other', 'writes per commit'];
  const lines = rows.map((row) => [
    row.scenario,
    row.database,
    String(row.connections),
    fmt.int(row.rps),
    fmt.ms(row.p50),
    fmt.ms(row.p99),
    row.non2xx ? `**${row.non2xx}**` : '0',
    row.errors ? `**${row.errors}**` : '0',
    fmt.int(row.baselineRps),
    fmt.ratio(row.ratio),
    `${fmt.pct(row.cpuServer)} / ${fmt.pct(row.cpuGenerator)} / ${row.database === 'postgres' ? fmt.pct(row.cpuPostgres) : '–'} / ` +
      (row.cpuOtherMax > BUSY_OTHER ? `**${fmt.pct(row.cpuOther)}**` : fmt.pct(row.cpuOther)),
    row.perCommit === undefined ? '–' : row.perCommit.toFixed(1),
  ]);
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i >= 2 ? '---:' : '---')).join('|')}|`,
    ...lines.map((cells) => `| ${cells.join(' | ')} |`),
  ].join('\n');
}

function commandLine() {
  const given = process.argv.slice(2).join(' ');
  return process.env.npm_lifecycle_event === 'bench'
    ? `npm run bench${given ? ` -- ${given}` : ''}`
    : `node bench/run.mjs${given ? ` ${given}` : ''}`;
}

/** The commit measured, and whether the server's sources differed from it. */
function codeVersion() {
  const git = (...gitArgs) => spawnSync('git', gitArgs, { cwd: root, encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD');
  if (head.status !== 0) return 'not a git checkout';
  const dirty = git('status', '--porcelain', '--', 'apps', 'packages').stdout.trim().split('\n').filter(Boolean);
  return `commit ${head.stdout.trim()}` +
    (dirty.length ? ` plus uncommitted changes to ${dirty.length} file(s) under apps/ or packages/` : ', no uncommitted changes under apps/ or packages/');
}

function machine() {
  const cpus = os.cpus();
  return `${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown model'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
    `${os.type()} ${os.release()}, Node.js ${process.version}`;
}

function markdown({ started, failure, code }) {
  const out = [];
  out.push('# Benchmark results', '');
  out.push('Written by `bench/run.mjs`; the latest run replaces this file.', '');
  out.push(`- date: ${started.toISOString().replace(/\.\d+Z$/, 'Z')}`);
  out.push(`- machine: ${machine()}`);
  out.push(`- command: \`${commandLine()}\``);
  out.push(`- code: ${code}${serverEntry === DEFAULT_SERVER_ENTRY ? '' : ` (server: ${serverEntry})`}; ` +
    `build measured (sha256 of ${relative(root, serverEntry)}, first 12 digits): ${builds.join(', ') || 'none'}`);
  out.push(
    `- each row: ${repeat} measured run(s) of ${duration} s, each right after a ${duration} s run of the baseline; ` +
      `a ${warmup} s warm-up per scenario; autocannon 9, pipelining 1, every request with the \`password\` header`,
  );
  out.push(
    `- data: ${SERVICES.toLocaleString('en-US')} services pulsed once before the pulse scenario (so it measures updates); ` +
      `${SEED_EVENTS.toLocaleString('en-US')} events seeded before the reads, 1 in ${SEARCH_EVERY} containing "${SEARCH_WORD}"; ` +
      'on PostgreSQL a `VACUUM ANALYZE` after the seeding (as autovacuum would do soon on a real server; PGlite has no autovacuum and gets none)',
  );
  out.push('');
  if (failure) out.push(`**THE RUN FAILED before it finished: ${failure}** The rows below are the ones measured before.`, '');
  out.push(table(), '');
  if (busyRows.length) {
    out.push('## Measured on a busy machine', '');
    out.push(
      `Other processes (not the server, the load generator or its PostgreSQL backends) used more than ${BUSY_OTHER}% ` +
        'of a core during these rows: their figures (ratios included, since the load came and went) are less trustworthy.',
      '',
    );
    for (const row of busyRows) out.push(`- ${row}`);
    out.push('');
  }
  if (problems.length) {
    out.push('## Problems seen in this run', '');
    for (const problem of problems) out.push(`- ${problem}`);
    out.push('');
  } else {
    out.push('No non-2xx answers, no connection errors, no timeouts, nothing printed by the server at LOG_LEVEL=warn.', '');
  }
  out.push('## How to read this', '');
  out.push(
    'The machine is shared and its speed drifts, so absolute req/s compare badly between runs. ' +
      '**ratio** is the server\'s req/s divided by the req/s of a bare `node:http` server answering a small JSON ' +
      'body, measured with the same connections for the same time just before (the median of the paired ratios). ' +
      'It says what share of the machine\'s plain HTTP capacity a route keeps once it goes through Hono, validation, ' +
      'auth and the database; compare ratios, not req/s, across runs and machines. 1.00× would be as fast as raw ' +
      'node:http; the `healthz` row is the framework\'s own cost plus one database round trip. ' +
      'Only 2xx answers count as throughput: non-2xx answers and socket errors are listed apart, and any above 0 ' +
      'is a failure of the run, not a figure. p50/p99 are latencies in ms, the median over the runs. ' +
      'The load generator runs on the same cores as the server (and PostgreSQL): the CPU column gives each one\'s ' +
      'share in % of one core (200 = both cores), to tell a slow route from a starved one; "other" is everything ' +
      'else on the machine, and a high figure there means the row was measured on a busy machine. ' +
      '"writes per commit" (PostgreSQL write rows) is 2xx answers ÷ every transaction committed in the bench database ' +
      'during the run (pg_stat_database.xact_commit): with group commit and nothing else it is the average batch; ' +
      'any other transaction the server makes per request (a NOTIFY, a read) pulls it towards 1 or below.',
    '',
  );
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------

async function main() {
  const started = new Date();
  // Taken now: the sources may change while the run goes on.
  const code = codeVersion();
  console.log(`watchtower bench: ${machine()}`);
  console.log(
    `  ${databases.join(' + ')}; connections ${connectionsList.join(', ')}; ${repeat} run(s) of ${duration} s per scenario, ` +
      `each after a baseline run; scenarios: ${scenarios.map((s) => s.id).join(', ')}`,
  );
  let failure;
  try {
    const baseline = await startBaseline();
    console.log(`  baseline node:http ready (${baseline.url}); warming it up`);
    for (const connections of connectionsList) {
      await load(baseline.url, { connections, seconds: warmup, requests: [{ method: 'GET', path: '/healthz' }] });
    }
    for (const database of databases) {
      try {
        await benchDatabaseKind(database, baseline);
      } catch (error) {
        if (interrupted) throw error;
        // One database failing (a crash, a refused start) still lets the other be measured.
        failure = `${database}: ${error.message.split('\n')[0]}`;
        problems.push(`${database}: the run stopped: ${error.message}`);
        console.error(`\nbench: ${database} failed: ${error.message}`);
      }
    }
  } finally {
    await cleanUp();
  }
  if (interrupted) return;

  console.log(`\n${table()}\n`);
  if (busyRows.length) {
    console.log(`Measured while other processes used more than ${BUSY_OTHER}% of a core:`);
    for (const row of busyRows) console.log(`- ${row}`);
    console.log('');
  }
  if (problems.length) {
    console.log('!!!!!!!!!! PROBLEMS !!!!!!!!!!');
    for (const problem of problems) console.log(`- ${problem}`);
    console.log('!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n');
  }
  if (args['no-write']) {
    console.log('bench/RESULTS.md left as it is (--no-write).');
  } else if (rows.length === 0) {
    console.log('No rows were measured; bench/RESULTS.md left as it is.');
  } else {
    writeFileSync(RESULTS_FILE, markdown({ started, failure, code }));
    console.log(`Written to ${relative(process.cwd(), RESULTS_FILE) || RESULTS_FILE}.`);
  }
  if (failure || rows.some((row) => row.non2xx || row.errors)) process.exitCode = 1;
}

main().catch(async (error) => {
  if (!interrupted) console.error(`bench: ${error.stack ?? error}`);
  await cleanUp();
  process.exit(interrupted ? 130 : 1);
});
