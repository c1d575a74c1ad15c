import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { freePort } from '../../../server/test/support/server-process.js';

/** The built server, as `npm start` runs it; it serves the built dashboard (apps/gui/dist) at /gui. */
export const SERVER_ENTRY = resolve(dirname(fileURLToPath(import.meta.url)), '../../../server/dist/main.js');
export const GUI_INDEX = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/index.html');
export const PASSWORD = 'dashboard-test-password';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

export interface Server {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** The PostgreSQL database it uses, if not the embedded one. */
  readonly databaseUrl: string | undefined;
  output(): string;
  stop(): Promise<void>;
}

export interface ServerOptions {
  /** The server's config file content (eventsPresets, …). */
  config?: unknown;
  /** Reuse a port and a data folder or database: a restart of an earlier server. */
  port?: number;
  dataDir?: string;
  /** A PostgreSQL database (see `createDatabase`); the embedded PGlite when absent. */
  databaseUrl?: string | undefined;
  /** More environment for the server (DATABASE_URL, channel settings, …). */
  env?: Record<string, string>;
}

const folders: string[] = [];
const databases: Array<() => Promise<void>> = [];

/**
 * A PostgreSQL database of its own for one test file, dropped by `cleanUp`. A server on
 * PostgreSQL starts in a second; PGlite creates its cluster first, which takes several.
 */
export async function createDatabase(): Promise<string> {
  const name = `watchtower_gui_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } catch (error) {
    await admin.end();
    throw new Error(`PostgreSQL at ${TEST_DATABASE_URL} is needed by these tests and did not answer: ${(error as Error).message}`);
  }
  databases.push(async () => {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  });
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

function folder(prefix: string): string {
  const path = mkdtempSync(join(tmpdir(), prefix));
  folders.push(path);
  return path;
}

/** Starts the built server on loopback with the embedded database, and waits for /healthz. */
export async function startServer(options: ServerOptions = {}): Promise<Server> {
  for (const file of [SERVER_ENTRY, GUI_INDEX]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: build first (node scripts/workspace.mjs build)`);
  }
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir ?? folder('watchtower-gui-data-');
  const cwd = folder('watchtower-gui-cwd-');
  const env: Record<string, string> = {
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    WATCHTOWER_PASSWORD: PASSWORD,
    WATCHTOWER_DATA_DIR: dataDir,
  };
  for (const name of ['PATH', 'HOME', 'TMPDIR']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  Object.assign(env, options.env ?? {});
  if (options.config !== undefined) {
    const file = join(cwd, 'config.json');
    writeFileSync(file, JSON.stringify(options.config));
    env.WATCHTOWER_CONFIG = file;
  }
  const child: ChildProcess = spawn(process.execPath, ['--enable-source-maps', SERVER_ENTRY], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((done) => child.once('close', () => done()));
  let gone = false;
  void exited.then(() => (gone = true));

  const stop = async () => {
    if (!gone) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`the server exited at start:\n${output}`);
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.status === 200) return { url, port, dataDir, databaseUrl: options.databaseUrl, output: () => output, stop };
    } catch {
      // Not listening yet.
    }
    await new Promise((wait) => setTimeout(wait, 100));
  }
  await stop();
  throw new Error(`the server did not answer /healthz within 30 s:\n${output}`);
}

/** Drops the databases and removes the folders of this file's servers (stop them first). */
export async function cleanUp(): Promise<void> {
  for (const drop of databases.splice(0)) await drop();
  for (const path of folders.splice(0)) rmSync(path, { recursive: true, force: true });
}

/** Calls the API as a service would. */
export async function call(server: Server, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { password: PASSWORD, 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const answer = (await response.json()) as unknown;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

export const pulse = (server: Server, service: string, nextIn: number, alertTarget = 'ops') =>
  call(server, 'POST', '/heartbeat', { service, alertType: 'log', alertTarget, nextIn });

export const addEvent = (server: Server, service: string, level: string | number, message: string) =>
  call(server, 'POST', '/event', { service, level, message });
