// The built server as a process on loopback, from the shared test support.
import { PASSWORD } from '@watchtower/test-support';

export {
  cleanUpServers,
  freePort,
  PASSWORD,
  startServer,
  type ServerProcess,
} from '@watchtower/test-support';

/** Calls the server directly, for assertions from its side. */
// biome-ignore lint/suspicious/noExplicitAny: each test checks the shape of the answer it reads
export async function api(url: string, path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url + path, { headers: { password: PASSWORD } });
  return { status: response.status, body: await response.json() };
}

/** Waits until `check` answers true, polling; fails after `ms`. */
export async function eventually(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`the condition did not hold within ${ms} ms`);
    await new Promise((wait) => setTimeout(wait, 100));
  }
}
