// The built server as a process on loopback, from the shared test support.
import { PASSWORD, startServer, type ServerProcess } from '@watchtower/test-support';

export {
  cleanUpServers,
  freePort,
  PASSWORD,
  startServer,
  temporaryFolder,
  type ServerProcess,
} from '@watchtower/test-support';

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
  return startServer({ port, env: { WATCHTOWER_DATA_DIR: dataDir } }, ms);
}

/** Waits until `check` answers true, polling; fails after `ms`. */
export async function eventually(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`the condition did not hold within ${ms} ms`);
    await new Promise((wait) => setTimeout(wait, 100));
  }
}
