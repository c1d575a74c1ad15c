import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUpServers, freePort, PASSWORD, SERVER_ENTRY, startServer, temporaryFolder, waitForExit } from '@watchtower/test-support';

// The built server (dist/main.js) as a process, on a PGlite data folder that a second
// process must never open at the same time.

const LOCK = 'watchtower.lock';
// A killed owner's lock is taken over once it has gone this long without a refresh.
const STALE_MS = 10_000;

const sleep = (ms: number) => new Promise((wait) => setTimeout(wait, ms));

interface NamespacedServer {
  readonly unshare: ChildProcess;
  readonly url: string;
  output(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const namespaced = new Set<NamespacedServer>();

afterEach(async () => {
  for (const server of namespaced) server.unshare.kill('SIGKILL');
  await Promise.all([...namespaced].map((server) => server.exited));
  namespaced.clear();
  await cleanUpServers();
});

/**
 * The server in a pid namespace of its own, as in a container: its node is pid 1 there.
 * The user namespace lets a non-root user make one; `--kill-child` takes the server down
 * with `unshare`.
 */
async function spawnInPidNamespace(dataDir: string): Promise<NamespacedServer> {
  const port = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    WATCHTOWER_PASSWORD: PASSWORD,
    WATCHTOWER_DATA_DIR: dataDir,
  };
  const unshare = spawn(
    'unshare',
    [
      '--user',
      '--map-root-user',
      '--pid',
      '--fork',
      '--mount-proc',
      '--kill-child',
      process.execPath,
      '--enable-source-maps',
      SERVER_ENTRY,
    ],
    { cwd: temporaryFolder('watchtower-cwd-'), env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  unshare.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  unshare.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    unshare.once('close', (code, signal) => done({ code, signal })),
  );
  const server = { unshare, url: `http://127.0.0.1:${port}`, output: () => output, exited };
  namespaced.add(server);
  return server;
}

/** The pid the server's node sees for itself, read from outside its namespace. */
async function pidInsideNamespace(server: NamespacedServer): Promise<number> {
  const outer = server.unshare.pid!;
  for (let tries = 0; tries < 100; tries += 1) {
    const children = readFileSync(`/proc/${outer}/task/${outer}/children`, 'utf8').trim();
    if (children) {
      const status = readFileSync(`/proc/${children.split(' ')[0]}/status`, 'utf8');
      const nspid = status.split('\n').find((line) => line.startsWith('NSpid:'))!;
      return Number(nspid.trim().split(/\s+/).at(-1));
    }
    await sleep(50);
  }
  throw new Error('unshare started no server');
}

async function waitForHealth(server: NamespacedServer, ms = 30_000): Promise<void> {
  let ended = false;
  void server.exited.then(() => (ended = true));
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && !ended) {
    try {
      const response = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  throw new Error(`the server did not answer /healthz:\n${server.output()}`);
}

async function pulse(url: string, service: string): Promise<number> {
  const response = await fetch(`${url}/heartbeat`, {
    method: 'POST',
    headers: { password: PASSWORD, 'content-type': 'application/json' },
    body: JSON.stringify({ service, alertType: 'log', alertTarget: 'ops', nextIn: 3600 }),
  });
  await response.body?.cancel();
  return response.status;
}

describe('the data-folder lock across pid namespaces', () => {
  it('stops a second server in another pid namespace with exit code 75 naming the folder, while the first keeps serving', async () => {
    const dataDir = temporaryFolder('watchtower-data-');
    const first = await spawnInPidNamespace(dataDir);
    expect(await pidInsideNamespace(first)).toBe(1);
    await waitForHealth(first);
    expect(await pulse(first.url, 'before-second')).toBe(200);

    const second = await spawnInPidNamespace(dataDir);
    // Both see themselves as pid 1: the pid in a lock tells nothing about its owner.
    expect(await pidInsideNamespace(second)).toBe(1);
    const exit = await Promise.race([second.exited, sleep(STALE_MS + 20_000).then(() => 'still running' as const)]);
    expect(exit, second.output()).toEqual({ code: 75, signal: null });
    expect(second.output()).toContain(dataDir);
    expect(second.output()).toMatch(/in use by another watchtower process/);

    expect(await pulse(first.url, 'after-second')).toBe(200);
    const response = await fetch(`${first.url}/heartbeats`, { headers: { password: PASSWORD } });
    const { heartBeats } = (await response.json()) as { heartBeats: { service: string }[] };
    expect(heartBeats.map((hb) => hb.service).sort()).toEqual(['after-second', 'before-second']);
  }, 60_000);
});

describe('the data-folder lock of the built server', () => {
  it('holds a lock folder while running and removes it on SIGTERM', async () => {
    const server = await startServer();
    const lock = join(server.dataDir, LOCK);
    expect(statSync(lock).isDirectory()).toBe(true);

    expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(existsSync(lock)).toBe(false);
  });

  it('takes over the lock of a server killed with SIGKILL within the stale window, and says so', async () => {
    const dataDir = temporaryFolder('watchtower-data-');
    const first = await startServer({ env: { WATCHTOWER_DATA_DIR: dataDir } });
    expect(await pulse(first.url, 'before-kill')).toBe(200);
    expect(await first.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    expect(existsSync(join(dataDir, LOCK))).toBe(true);

    const restartedAt = Date.now();
    const second = await startServer({ env: { WATCHTOWER_DATA_DIR: dataDir, LOG_LEVEL: 'info' } }, STALE_MS + 50_000);
    // The stale window plus a start-up on a loaded machine.
    expect(Date.now() - restartedAt).toBeLessThan(STALE_MS + 40_000);
    expect(second.stdout()).toMatch(/took over the data folder lock/);
    const response = await fetch(`${second.url}/heartbeats`, { headers: { password: PASSWORD } });
    const { heartBeats } = (await response.json()) as { heartBeats: { service: string }[] };
    expect(heartBeats.map((hb) => hb.service)).toEqual(['before-kill']);
  }, 90_000);

  it.each([
    { what: 'an empty lock file', content: '' },
    { what: 'a lock file naming a pid that runs (this test runner)', content: `${process.pid}\n` },
  ])('starts without waiting on a folder holding $what from an earlier version', async ({ content }) => {
    const dataDir = temporaryFolder('watchtower-data-');
    writeFileSync(join(dataDir, LOCK), content);

    const server = await startServer({ env: { WATCHTOWER_DATA_DIR: dataDir, LOG_LEVEL: 'info' } });
    expect(server.stdout()).toMatch(/removed a lock file left by an earlier version/);
    expect(server.stdout()).not.toMatch(/waiting/);
    expect(statSync(join(dataDir, LOCK)).isDirectory()).toBe(true);
    expect(await pulse(server.url, 'after-legacy-lock')).toBe(200);
  });

  it('stops at once with exit code 75 when its lock folder is taken away', async () => {
    const server = await startServer();
    rmSync(join(server.dataDir, LOCK), { recursive: true, force: true });

    expect(await waitForExit(server, 15_000)).toEqual({ code: 75, signal: null });
    expect(server.stdout() + server.stderr()).toMatch(/lost the lock of the data folder/);
  });
});
