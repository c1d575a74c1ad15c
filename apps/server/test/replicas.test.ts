import { randomBytes } from 'node:crypto';
import type { Heartbeat } from '@watchtower/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cleanUpServers,
  createTestDatabase,
  type FakeProviders,
  PASSWORD,
  type ServerProcess,
  startFakeProviders,
  startServer,
} from '@watchtower/test-support';
import { type RoundRobinProxy, startRoundRobinProxy } from './support/round-robin-proxy.js';

// docker/compose.replicas.yaml without Docker: two built servers (dist/main.js) on one
// fresh PostgreSQL database, behind a round-robin proxy, every call made through the proxy.

const sleep = (ms: number) => new Promise((wait) => setTimeout(wait, ms));

let fake: FakeProviders;
let proxy: RoundRobinProxy | undefined;
let drop: (() => Promise<void>) | undefined;
let replicas: ServerProcess[];

beforeEach(async () => {
  fake = await startFakeProviders();
  const database = await createTestDatabase('watchtower_replicas');
  drop = database.drop;
  // Both processes share the database, the password and the webhook secret; they listen on
  // IPv6 and IPv4 both, and are called on 127.0.0.1.
  const env = {
    DATABASE_URL: database.url,
    WATCHTOWER_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
    WATCHTOWER_ALLOW_PRIVATE_TARGETS: '1',
    HOST: '::',
  };
  replicas = await Promise.all([startServer({ env }), startServer({ env })]);
  proxy = await startRoundRobinProxy(replicas.map((replica) => replica.url));
});

afterEach(async () => {
  await proxy?.close();
  await cleanUpServers();
  await fake?.close();
  await drop?.();
});

async function viaProxy(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const headers: Record<string, string> = { password: PASSWORD };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${proxy!.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, json: await response.json() };
}

/** Pulses each service through the proxy with a 2 s deadline and a webhook alert of its own. */
async function pulseAll(services: string[]): Promise<void> {
  for (const service of services) {
    const answer = await viaProxy('POST', '/heartbeat', {
      service,
      alertType: 'webhook',
      alertTarget: `${fake.url}/hook/${service}`,
      nextIn: 2,
    });
    expect(answer.status, JSON.stringify(answer.json)).toBe(200);
  }
}

/** Waits for one alert per service, then a while longer: none may come twice. */
async function expectOneAlertEach(services: string[]): Promise<void> {
  const arrived = (service: string) => fake.requestsTo(`/hook/${service}`).length;
  await fake.waitFor(`an alert for each of ${services.join(', ')}`, () => services.every((service) => arrived(service) >= 1), 30_000);
  await sleep(3_000);
  expect(Object.fromEntries(services.map((service) => [service, arrived(service)]))).toEqual(
    Object.fromEntries(services.map((service) => [service, 1])),
  );
}

/** Opens GET /stream through the proxy and resolves with what it carried once `expected` shows up. */
async function streamUntil(expected: string, act: () => Promise<void>): Promise<string> {
  const controller = new AbortController();
  const response = await fetch(`${proxy!.url}/stream`, { headers: { password: PASSWORD }, signal: controller.signal });
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  // The header by which nginx, if it is the proxy, passes the events on unbuffered.
  expect(response.headers.get('x-accel-buffering')).toBe('no');
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  const timer = setTimeout(() => controller.abort(), 15_000);
  try {
    while (!text.includes('event: ready')) text += (await reader.read()).value ?? '';
    await act();
    while (!text.includes(expected)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    return text;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

describe('two server processes on one PostgreSQL behind a proxy', () => {
  it('share the work, and one carries on alone when the other is killed', async () => {
    const before = ['replica-a', 'replica-b', 'replica-c', 'replica-d'];
    // A live stream passes through the proxy as it is written.
    const streamed = await streamUntil('replica-a', () => pulseAll(before));
    expect(streamed).toContain('replica-a');
    expect([...proxy!.answered.values()].every((count) => count > 0)).toBe(true);
    await expectOneAlertEach(before);

    const [killed, survivor] = replicas as [ServerProcess, ServerProcess];
    await killed.stop('SIGKILL');
    const answeredBy = (replica: ServerProcess) => proxy!.answered.get(replica.url) ?? 0;
    const counts = { killed: answeredBy(killed), survivor: answeredBy(survivor) };
    const after = ['replica-e', 'replica-f', 'replica-g', 'replica-h'];
    await pulseAll(after);
    await expectOneAlertEach(after);
    expect(answeredBy(killed)).toBe(counts.killed);
    expect(answeredBy(survivor)).toBe(counts.survivor + after.length);

    const listed = await viaProxy('GET', '/heartbeats');
    expect(listed.status).toBe(200);
    const byName = new Map((listed.json as { heartBeats: Heartbeat[] }).heartBeats.map((hb) => [hb.service, hb]));
    for (const service of [...before, ...after]) expect(byName.get(service)?.status, service).toBe('dead');
    const dashboard = await fetch(`${proxy!.url}/gui/`);
    expect(dashboard.status).toBe(200);
    expect(await fetch(`${proxy!.url}/healthz`).then((response) => response.status)).toBe(200);
    // HOST=:: answers on IPv6 too.
    expect(await fetch(`http://[::1]:${survivor.port}/healthz`).then((response) => response.status)).toBe(200);
  }, 90_000);
});
