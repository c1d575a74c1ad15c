import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  cleanUpServers,
  createTestDatabase,
  SERVER_ENTRY,
  startServer as startServerProcess,
  temporaryFolder,
} from '@watchtower/test-support';

/** The built server, as `npm start` runs it; it serves the built dashboard (apps/gui/dist) at /gui. */
export { SERVER_ENTRY };
export const GUI_INDEX = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/index.html');
export const PASSWORD = 'dashboard-test-password';

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

const databases: Array<() => Promise<void>> = [];

/**
 * A PostgreSQL database of its own for one test file, dropped by `cleanUp`. A server on
 * PostgreSQL starts in a second; PGlite creates its cluster first, which takes several.
 */
export async function createDatabase(): Promise<string> {
  const database = await createTestDatabase('watchtower_gui');
  databases.push(database.drop);
  return database.url;
}

/** Starts the built server on loopback with the embedded database, and waits for /healthz. */
export async function startServer(options: ServerOptions = {}): Promise<Server> {
  for (const file of [SERVER_ENTRY, GUI_INDEX]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: build first (node scripts/workspace.mjs build)`);
  }
  const dataDir = options.dataDir ?? temporaryFolder('watchtower-gui-data-');
  const cwd = temporaryFolder('watchtower-gui-cwd-');
  const env: Record<string, string> = { WATCHTOWER_PASSWORD: PASSWORD, WATCHTOWER_DATA_DIR: dataDir };
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  Object.assign(env, options.env ?? {});
  if (options.config !== undefined) {
    const file = join(cwd, 'config.json');
    writeFileSync(file, JSON.stringify(options.config));
    env.WATCHTOWER_CONFIG = file;
  }
  const server = await startServerProcess({ port: options.port, cwd, env });
  return {
    url: server.url,
    port: server.port,
    dataDir,
    databaseUrl: options.databaseUrl,
    output: () => server.stdout() + server.stderr(),
    stop: async () => {
      await server.stop();
    },
  };
}

/** Drops the databases and removes the folders of this file's servers (stop them first). */
export async function cleanUp(): Promise<void> {
  for (const drop of databases.splice(0)) await drop();
  await cleanUpServers();
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
