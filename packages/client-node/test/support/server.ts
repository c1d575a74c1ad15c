// The built server as a process on loopback, from the server's own test support.
import { PASSWORD, spawnServer, type ServerProcess } from '../../../../apps/server/test/support/server-process.js';

export {
  cleanUpServers,
  freePort,
  PASSWORD,
  startServer,
  temporaryFolder,
  type ServerProcess,
} from '../../../../apps/server/test/support/server-process.js';

/** Calls the server directly (not through the client under test), for assertions from its side. */
// biome-ignore lint/suspicious/noExplicitAny: each test checks the shape of the answer it reads
export async function api(url: string, path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const headers = { password: PASSWORD, 'content-type': 'application/json', ...(init.headers as Record<string, string>) };
  const response = await fetch(url + path, { ...init, headers });
  return { status: response.status, body: await response.json() };
}

/**
 * Starts the server on a given port and data folder (to start it again at the same
 * address, as a restart does), and waits for /healthz.
 */
export async function startServerAt(port: number, dataDir: string, ms = 30_000): Promise<ServerProcess> {
  const server = await spawnServer({ env: { PORT: String(port), WATCHTOWER_DATA_DIR: dataDir } });
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) throw new Error(`the server exited at start:\n${server.stderr()}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return server;
    } catch {
      // Not listening yet.
    }
    await new Promise((wait) => setTimeout(wait, 100));
  }
  await server.stop('SIGKILL');
  throw new Error(`the server on port ${port} did not answer /healthz within ${ms} ms:\n${server.stderr()}`);
}

/** Waits until `check` answers true, polling; fails after `ms`. */
export async function eventually(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`the condition did not hold within ${ms} ms`);
    await new Promise((wait) => setTimeout(wait, 100));
  }
}
