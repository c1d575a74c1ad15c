import { request } from 'node:http';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { cleanUpServers, createTestDatabase, PASSWORD, type ServerProcess, startServer, waitForExit } from '@watchtower/test-support';

// WATCHTOWER_WORKERS=2 on PostgreSQL: the built server's primary process and its two workers.

let drop: (() => Promise<void>) | undefined;
let server: ServerProcess;

beforeEach(async () => {
  const database = await createTestDatabase('watchtower_workers');
  drop = database.drop;
  server = await startServer({ env: { DATABASE_URL: database.url, WATCHTOWER_WORKERS: '2' } });
});

afterEach(async () => {
  await cleanUpServers();
  await drop?.();
});

/** One request on a connection of its own, so that each may reach another worker. */
function call(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  return new Promise((answered, failed) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      `${server.url}${path}`,
      {
        method,
        agent: false,
        headers: { password: PASSWORD, ...(payload ? { 'content-type': 'application/json' } : {}) },
        timeout: 10_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => answered({ status: res.statusCode ?? 0, text }));
        res.on('error', failed);
      },
    );
    req.on('error', failed);
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} got no answer within 10 s`)));
    req.end(payload);
  });
}

const sample = (text: string, pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);

/** Each worker that answered a scrape, by pid: the pulses and events it recorded. */
async function workersSeen(scrapes = 10): Promise<Map<number, { pulses: number; events: number }>> {
  const seen = new Map<number, { pulses: number; events: number }>();
  for (let i = 0; i < scrapes; i += 1) {
    const { status, text } = await call('GET', '/metrics');
    expect(status).toBe(200);
    seen.set(sample(text, /^watchtower_process_info\{pid="(\d+)"/m), {
      pulses: sample(text, /^watchtower_pulses_total\{outcome="recorded"\} (\d+)/m),
      events: sample(text, /^watchtower_events_total\{level="info"\} (\d+)/m),
    });
  }
  return seen;
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it('serves pulses and events from two worker processes, replaces a killed one, and stops them all on SIGTERM', async () => {
  // Two loops, not one that alternates: connections are dealt to the workers in turn.
  for (let i = 0; i < 40; i += 1) {
    expect((await call('POST', '/heartbeat', { service: `job-${i}`, nextIn: 3600, alertType: 'log', alertTarget: 'ops' })).status).toBe(
      200,
    );
  }
  for (let i = 0; i < 40; i += 1) {
    expect((await call('POST', '/event', { service: `job-${i}`, level: 'info', message: 'ran' })).status).toBe(200);
  }
  const first = await workersSeen();
  expect([...first.keys()]).toHaveLength(2);
  expect(first.has(server.pid)).toBe(false);
  for (const counts of first.values()) {
    expect(counts.pulses).toBeGreaterThan(0);
    expect(counts.events).toBeGreaterThan(0);
  }

  const [killed, survivor] = [...first.keys()] as [number, number];
  process.kill(killed, 'SIGKILL');
  await expect
    .poll(async () => [...(await workersSeen(6)).keys()].filter((pid) => pid !== survivor && pid !== killed).length, {
      timeout: 30_000,
      interval: 500,
    })
    .toBe(1);
  expect(server.stderr() + server.stdout()).toContain('worker died; starting another');
  const workers = [...(await workersSeen()).keys()];
  expect(workers).toHaveLength(2);

  server.child.kill('SIGTERM');
  expect(await waitForExit(server, 20_000)).toEqual({ code: 0, signal: null });
  for (const pid of workers) expect(isAlive(pid)).toBe(false);
}, 120_000);
