// The two servers a run loads: the baseline (a bare node:http server) and the built server
// under test, each a child process on a free port of 127.0.0.1, checked to be ours.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { relative, resolve } from 'node:path';
import { alive, freePort, isInterrupted, startChild, tail, temporaryFolder } from './children.mjs';
import { HEADERS, PASSWORD, TOKEN } from './credentials.mjs';
import { CEILING_SERVER, ROOT, SERVER_PACKAGE } from './paths.mjs';
import { createDatabase } from './postgres.mjs';

/**
 * Waits for /healthz, then makes sure the answer came from our child: a port found free
 * can be taken by another process before the child listens, and load must never go to it.
 * The wait is long: PGlite starts in 5 to 15 s on a quiet machine, and took over 60 s on a busy one.
 */
async function waitUntilReady(handle, url, ours, ms = 180_000) {
  const deadline = Date.now() + ms;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (!alive(handle)) {
      throw new Error(`${handle.name} exited (${JSON.stringify(handle.exit)}) before it answered:\n${tail(handle.output())}`);
    }
    if (isInterrupted()) throw new Error('interrupted');
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

// ---------------------------------------------------------------------------------------
// The two baselines: a bare node:http server (the "raw node:http" row of shared/VERSIONS.md)
// and the no-storage pulse route (ceiling-server.mjs, the ceiling of a durable pulse).

const RAW_SOURCE = `
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

const BASELINES = {
  raw: { name: 'baseline (raw node:http)', args: ['-e', RAW_SOURCE] },
  'no-storage': { name: 'baseline (no-storage pulse route)', args: [CEILING_SERVER] },
};

/** Starts a baseline, `raw` or `no-storage`, and waits until it answers as ours. */
export async function startBaseline(kind = 'raw') {
  const { name, args } = BASELINES[kind];
  const port = await freePort();
  const handle = startChild(name, args, {
    cwd: temporaryFolder('watchtower-bench-cwd-'),
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      BENCH_TOKEN: TOKEN,
      WATCHTOWER_PASSWORD: PASSWORD,
      SERVER_PACKAGE,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  const ours = async (base) => (await (await fetch(`${base}/whoami`, { signal: AbortSignal.timeout(2_000) })).text()) === TOKEN;
  await waitUntilReady(handle, url, ours, 15_000);
  return { handle, url, kind };
}

// ---------------------------------------------------------------------------------------
// The server under test

/** A short hash of the built server, or undefined while it is missing. */
function buildHash(serverEntry) {
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
export async function settledBuild(serverEntry, ms = 60_000) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    if (isInterrupted()) throw new Error('interrupted');
    const hash = buildHash(serverEntry);
    if (hash !== undefined && hash === last) return hash;
    last = hash;
    await new Promise((done) => setTimeout(done, 1_000));
  }
  throw new Error(
    `${relative(ROOT, serverEntry)} is missing or still changing after ${ms / 1000} s: build it first (node scripts/workspace.mjs build), or run npm run bench`,
  );
}

/** BENCH_CPU_PROF=DIR: the server writes its CPU profile there when it stops. */
function cpuProfileArgs() {
  const folder = process.env.BENCH_CPU_PROF;
  return folder ? ['--cpu-prof', `--cpu-prof-dir=${folder}`] : [];
}

/** Starts the built server on `database` (`pglite` or `postgres`) and waits until it answers. */
export async function startServer(database, { serverEntry, pgUrl, env: extraEnv = {}, nodeArgs = cpuProfileArgs() }) {
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
  Object.assign(env, extraEnv);
  if (database === 'postgres') env.DATABASE_URL = await createDatabase(pgUrl);
  // BENCH_CPU_PROF=DIR: the server writes a CPU profile there when it exits (SIGTERM at the end).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env.BENCH_CPU_PROF)}`] : [];
  // As `npm start` runs it; the working folder is empty, so no stray config/config.json is read.
  const handle = startChild(`server (${database})`, ['--enable-source-maps', ...profile, ...nodeArgs, serverEntry], {
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
  return { handle, url, database };
}
