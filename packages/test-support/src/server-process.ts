import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built server, as `npm start` runs it. */
export const SERVER_ENTRY = resolve(dirname(fileURLToPath(import.meta.url)), '../../../apps/server/dist/main.js');

export const PASSWORD = 'process-test-password';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly port: number;
  /** The WATCHTOWER_DATA_DIR it was given. */
  readonly dataDir: string;
  /** `http://127.0.0.1:PORT` (or https when started with `tls`). */
  readonly url: string;
  /** Everything the process wrote so far. */
  stdout(): string;
  stderr(): string;
  /** Settles when the process is gone, however it ended. */
  readonly exited: Promise<Exit>;
  /** Sends the signal and waits for the process to end. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

export interface ServerOptions {
  /** Added to (or, with `undefined`, removed from) the defaults below. */
  env?: Record<string, string | undefined>;
  /** The process's working folder: a fresh empty one unless given, so no stray config/config.json is read. */
  cwd?: string;
  tls?: boolean;
  /** A given port (to start again at the same address, as a restart does); a free one unless given. */
  port?: number;
}

const running = new Set<ServerProcess>();
const folders: string[] = [];

/** A fresh temporary folder, removed by `cleanUpServers`. */
export function temporaryFolder(prefix = 'watchtower-process-'): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  folders.push(folder);
  return folder;
}

/** A port nobody listens on right now: the kernel picks one, and it is given back at once. */
export async function freePort(): Promise<number> {
  return new Promise((found, failed) => {
    const probe = createServer();
    probe.once('error', failed);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? found(port) : failed(new Error('no port was given'))));
    });
  });
}

function describeOutput(server: Pick<ServerProcess, 'stdout' | 'stderr'>): string {
  return `\n--- stdout ---\n${server.stdout()}\n--- stderr ---\n${server.stderr()}`;
}

/**
 * Starts `node dist/main.js` without waiting for it. The environment is built from scratch
 * (only PATH, HOME and TMPDIR are inherited) so the test runner's own variables do not leak in.
 */
export async function spawnServer(options: ServerOptions = {}): Promise<ServerProcess> {
  if (!existsSync(SERVER_ENTRY)) {
    throw new Error(`${SERVER_ENTRY} is missing: build the server first (node scripts/workspace.mjs build)`);
  }
  const port = options.port ?? (await freePort());
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, {
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    WATCHTOWER_PASSWORD: PASSWORD,
  });
  if (!options.env || !('WATCHTOWER_DATA_DIR' in options.env)) env.WATCHTOWER_DATA_DIR = temporaryFolder('watchtower-data-');
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }

  const child = spawn(process.execPath, ['--enable-source-maps', SERVER_ENTRY], {
    cwd: options.cwd ?? temporaryFolder('watchtower-cwd-'),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<Exit>((done) => {
    // 'close' rather than 'exit': the output streams are complete by then.
    child.once('close', (code, signal) => {
      running.delete(server);
      done({ code, signal });
    });
  });
  if (child.pid === undefined) throw new Error(`could not start ${SERVER_ENTRY}`);

  const server: ServerProcess = {
    child,
    pid: child.pid,
    port,
    dataDir: env.WATCHTOWER_DATA_DIR ?? '',
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return waitForExit(server, 15_000);
    },
  };
  running.add(server);
  return server;
}

/** Waits for the process to end by itself; kills it and fails when it takes longer than `ms`. */
export async function waitForExit(server: ServerProcess, ms = 30_000): Promise<Exit> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((done) => {
    timer = setTimeout(() => done('timeout'), ms);
  });
  const outcome = await Promise.race([server.exited, timeout]).finally(() => clearTimeout(timer));
  if (outcome === 'timeout') {
    server.child.kill('SIGKILL');
    await server.exited;
    throw new Error(`the server (pid ${server.pid}) did not exit within ${ms} ms${describeOutput(server)}`);
  }
  return outcome;
}

/** GET over TLS, trusting any certificate (the tests make their own self-signed one). */
export async function httpsGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((answered, failed) => {
    const req = httpsRequest(url, { method: 'GET', rejectUnauthorized: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => answered({ status: res.statusCode ?? 0, body }));
      res.on('error', failed);
    });
    req.on('error', failed);
    req.end();
  });
}

async function healthStatus(server: ServerProcess, tls: boolean): Promise<number | undefined> {
  try {
    if (tls) return (await httpsGet(`${server.url}/healthz`)).status;
    const response = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.status;
  } catch {
    // Not listening yet.
    return undefined;
  }
}

/** Starts the server and waits until GET /healthz answers 200; fails with its output otherwise. */
export async function startServer(options: ServerOptions = {}, ms = 30_000): Promise<ServerProcess> {
  const server = await spawnServer(options);
  const deadline = Date.now() + ms;
  let ended: Exit | undefined;
  void server.exited.then((exit) => (ended = exit));
  let last: number | undefined;
  while (Date.now() < deadline) {
    if (ended) {
      throw new Error(`the server exited before answering /healthz (code ${ended.code}, signal ${ended.signal})${describeOutput(server)}`);
    }
    last = await healthStatus(server, options.tls ?? false);
    if (last === 200) return server;
    await new Promise((wait) => setTimeout(wait, 100));
  }
  await server.stop('SIGKILL');
  throw new Error(`GET /healthz did not answer 200 within ${ms} ms (last: ${last ?? 'no answer'})${describeOutput(server)}`);
}

/** Kills whatever a failed test left running, and removes the temporary folders. */
export async function cleanUpServers(): Promise<void> {
  await Promise.all([...running].map((server) => server.stop('SIGKILL')));
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
}

/** Calls the API of a started server with the password (or the one given), JSON-encoding `body`. */
export async function call(server: ServerProcess, method: string, path: string, body?: unknown, password = PASSWORD): Promise<Response> {
  const headers: Record<string, string> = { password };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${server.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
