import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AlertDelivery, Event, Heartbeat } from '@watchtower/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanUpServers,
  createTestDatabase,
  type FakeProviders,
  PASSWORD,
  type RecordedRequest,
  type ServerProcess,
  startFakeProviders,
  startServer,
  temporaryFolder,
} from '@watchtower/test-support';
import { DATABASE_KINDS, type DatabaseKind } from './support/databases.js';

// End to end: the built server (dist/main.js) runs as a child process and delivers its
// alerts over real HTTP to local fakes of Pushover, Resend, Slack and a webhook receiver.
// The deadline of a pulse is the `expected` of its answer; a delivery's delay is the
// fake's arrival time minus that deadline.

const PUSHOVER_TOKEN = 'aToken0fThirtyLettersAndDigits';
const MAIL_FROM = 'watchtower@example.com';
const WEBHOOK_SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const WEBHOOK_KEY = Buffer.from(WEBHOOK_SECRET.slice('whsec_'.length), 'base64');

const CHANNELS = ['pushover', 'email', 'webhook', 'slack'] as const;
type ChannelName = (typeof CHANNELS)[number];
type Kind = 'down' | 'recovered';

let fake: FakeProviders;

beforeAll(async () => {
  fake = await startFakeProviders();
});

afterAll(async () => {
  await cleanUpServers();
  await fake?.close();
  reportDelays();
});

// ---------------------------------------------------------------------------------------
// Measurements, printed at the end so they can be quoted.

const delays = new Map<string, number[]>();

function recordDelay(label: string, ms: number): void {
  delays.set(label, [...(delays.get(label) ?? []), ms]);
}

function reportDelays(): void {
  const lines = [...delays].map(([label, values]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
    return `  ${label.padEnd(28)} n=${String(sorted.length).padStart(3)}  min ${sorted[0]} ms  median ${median} ms  max ${sorted[sorted.length - 1]} ms`;
  });
  if (lines.length > 0) console.log(`delay from deadline to arrival at the fake provider:\n${lines.join('\n')}`);
}

// ---------------------------------------------------------------------------------------
// Helpers

const sleep = (ms: number) => new Promise((wait) => setTimeout(wait, Math.max(0, ms)));

let serial = 0;
/** A service name no other test (and no other database kind) uses: the fake is shared. */
function uniqueName(prefix: string): string {
  serial += 1;
  return `${prefix}-${serial}-${randomBytes(3).toString('hex')}`;
}

/** A Pushover user key: 30 letters and digits, distinct per service. */
function pushoverKey(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(30), (byte) => alphabet[byte % alphabet.length]).join('');
}

function alertingEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    PUSHOVER_TOKEN,
    PUSHOVER_API_URL: fake.url,
    RESEND_API_KEY: 're_test',
    RESEND_BASE_URL: fake.url,
    WATCHTOWER_MAIL_FROM: MAIL_FROM,
    WATCHTOWER_WEBHOOK_SECRET: WEBHOOK_SECRET,
    WATCHTOWER_ALLOW_PRIVATE_TARGETS: '1',
    ...extra,
  };
}

async function call<T>(server: ServerProcess, method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { password: PASSWORD };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const answer = (await response.json()) as T;
  if (response.status !== 200) throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer;
}

async function pulse(server: ServerProcess, service: string, alertType: string, alertTarget: string, nextIn: number) {
  const answer = await call<{ heartBeat: Heartbeat }>(server, 'POST', '/heartbeat', { service, alertType, alertTarget, nextIn });
  return answer.heartBeat;
}

async function alertsOf(server: ServerProcess, service?: string, limit = 500): Promise<AlertDelivery[]> {
  const query = new URLSearchParams({ limit: String(limit), ...(service ? { service } : {}) });
  return (await call<{ alerts: AlertDelivery[] }>(server, 'GET', `/alerts?${query}`)).alerts;
}

async function eventsOf(server: ServerProcess, service: string): Promise<Event[]> {
  return (await call<{ events: Event[] }>(server, 'GET', `/events?service=${encodeURIComponent(service)}`)).events;
}

/** Polls the server until `predicate` holds; throws with `what` after `ms`. */
async function waitUntil<T>(what: string, read: () => Promise<T>, predicate: (value: T) => boolean, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (predicate(value)) return value;
    if (Date.now() >= deadline) throw new Error(`waited ${ms} ms for ${what}; last seen: ${JSON.stringify(value)}`);
    await sleep(100);
  }
}

const header = (request: RecordedRequest, name: string) => {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
};

const bodyOf = (request: RecordedRequest) => request.body as Record<string, unknown>;

/** Whether the Standard Webhooks signature of a request verifies with the test secret. */
function signatureVerifies(request: RecordedRequest): boolean {
  const id = header(request, 'webhook-id');
  const timestamp = header(request, 'webhook-timestamp');
  const signatures = header(request, 'webhook-signature');
  if (!id || !timestamp || !signatures) return false;
  const expected = createHmac('sha256', WEBHOOK_KEY).update(`${id}.${timestamp}.${request.rawBody}`).digest();
  return signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    if (version !== 'v1' || !signature) return false;
    const given = Buffer.from(signature, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/** Where each channel's alerts for one service go, and how to read them at the fake. */
interface ChannelProbe {
  channel: ChannelName;
  service: string;
  target: string;
  /** Requests the fake received for this service (accepted or not). */
  requests(): RecordedRequest[];
  /** Which alert a request carries. */
  kindOf(request: RecordedRequest): Kind | undefined;
}

function probe(channel: ChannelName, service: string): ChannelProbe {
  switch (channel) {
    case 'pushover': {
      const target = pushoverKey();
      return {
        channel,
        service,
        target,
        requests: () => fake.requestsTo('/1/messages.json').filter((r) => bodyOf(r).user === target),
        kindOf: (r) => {
          const title = String(bodyOf(r).title);
          return title.endsWith(' is down') ? 'down' : title.endsWith(' is pulsing again') ? 'recovered' : undefined;
        },
      };
    }
    case 'email': {
      const target = `${service}@ops.example.com`;
      return {
        channel,
        service,
        target,
        requests: () => fake.requestsTo('/emails').filter((r) => JSON.stringify(bodyOf(r).to) === JSON.stringify([target])),
        kindOf: (r) => {
          const subject = String(bodyOf(r).subject);
          return subject.endsWith(' is down') ? 'down' : subject.endsWith(' is pulsing again') ? 'recovered' : undefined;
        },
      };
    }
    case 'webhook': {
      const path = `/hooks/${service}`;
      return {
        channel,
        service,
        target: `${fake.url}${path}`,
        requests: () => fake.requests.filter((r) => r.path === path),
        kindOf: (r) => {
          const type = bodyOf(r).type;
          return type === 'heartbeat.down' ? 'down' : type === 'heartbeat.recovered' ? 'recovered' : undefined;
        },
      };
    }
    case 'slack': {
      const path = `/slack/${service}`;
      return {
        channel,
        service,
        target: `${fake.url}${path}`,
        requests: () => fake.requests.filter((r) => r.path === path),
        kindOf: (r) => {
          const text = String(bodyOf(r).text);
          return text.includes(' is down') ? 'down' : text.includes(' is pulsing again') ? 'recovered' : undefined;
        },
      };
    }
  }
}

const delivered = (p: ChannelProbe, kind: Kind) => p.requests().filter((r) => r.answer === 200 && p.kindOf(r) === kind);

/** Checks what one channel's request says, against the alert the server recorded. */
function expectContent(p: ChannelProbe, request: RecordedRequest, alert: AlertDelivery): void {
  const body = bodyOf(request);
  expect(request.method).toBe('POST');
  switch (p.channel) {
    case 'pushover':
      expect(body).toMatchObject({ token: PUSHOVER_TOKEN, user: p.target, priority: alert.kind === 'down' ? 1 : 0 });
      expect(body.title).toContain(p.service);
      expect(body.message).toContain(p.service);
      break;
    case 'email':
      expect(header(request, 'authorization')).toBe('Bearer re_test');
      expect(header(request, 'idempotency-key')).toBe(alert.id);
      expect(body).toMatchObject({ from: MAIL_FROM, to: [p.target] });
      expect(body.subject).toContain(p.service);
      expect(body.text).toContain(p.service);
      break;
    case 'webhook': {
      expect(header(request, 'webhook-id')).toBe(alert.id);
      expect(Number(header(request, 'webhook-timestamp'))).toBeCloseTo(request.at / 1000, -1);
      expect(signatureVerifies(request)).toBe(true);
      expect(body).toMatchObject({
        type: alert.kind === 'down' ? 'heartbeat.down' : 'heartbeat.recovered',
        service: p.service,
        alertId: alert.id,
      });
      break;
    }
    case 'slack':
      expect(body.text).toContain(p.service);
      break;
  }
}

// ---------------------------------------------------------------------------------------

// How many services die per channel test: a handful of samples for the delay figures.
const SERVICES_PER_CHANNEL = 4;

describe.each(DATABASE_KINDS)('alert delivery with data on %s', (kind: DatabaseKind) => {
  let database: { url: string; drop: () => Promise<void> } | undefined;
  let server: ServerProcess;
  let eventHook: string;

  beforeAll(async () => {
    database = kind === 'postgres' ? await createTestDatabase() : undefined;
    eventHook = `/hooks/${uniqueName(`default-${kind}`)}`;
    server = await startServer({
      env: alertingEnv({
        WATCHTOWER_DATA_DIR: temporaryFolder('watchtower-data-'),
        DATABASE_URL: database?.url,
        WATCHTOWER_ALERT_TYPE: 'webhook',
        WATCHTOWER_ALERT_TARGET: `${fake.url}${eventHook}`,
      }),
    });
  });

  afterAll(async () => {
    await server?.stop('SIGTERM');
    await database?.drop();
  });

  it.each(CHANNELS)(
    'delivers a death through %s once, within 1 s of the deadline, and the recovery once',
    async (channel) => {
      const probes: ChannelProbe[] = [];
      const deadlines = new Map<ChannelProbe, number>();
      // Staggered, so the deaths are separate sweeps, as they usually are.
      for (let i = 0; i < SERVICES_PER_CHANNEL; i += 1) {
        const p = probe(channel, uniqueName(`${kind}-${channel}`));
        const hb = await pulse(server, p.service, channel, p.target, 1);
        probes.push(p);
        deadlines.set(p, hb.expected * 1000);
        await sleep(100);
      }
      const lastDeadline = Math.max(...deadlines.values());
      await fake.waitFor(
        `a down alert for every ${channel} service`,
        () => probes.every((p) => delivered(p, 'down').length >= 1),
        lastDeadline + 3_000 - Date.now(),
      );
      const measured = probes.map((p) => delivered(p, 'down')[0]!.at - deadlines.get(p)!);
      console.log(`${channel} on ${kind}: down delivered ${measured.join(', ')} ms after the deadline`);
      for (const ms of measured) recordDelay(`${channel} on ${kind}`, ms);
      for (const ms of measured) {
        expect(ms).toBeGreaterThanOrEqual(0);
        expect(ms).toBeLessThan(1_000);
      }

      // Back again (with a far deadline, so it does not die a second time here).
      const back = Date.now();
      for (const p of probes) await pulse(server, p.service, channel, p.target, 3600);
      await fake.waitFor(
        `a recovery alert for every ${channel} service`,
        () => probes.every((p) => delivered(p, 'recovered').length >= 1),
        3_000,
      );
      console.log(
        `${channel} on ${kind}: recovery delivered ${probes.map((p) => delivered(p, 'recovered')[0]!.at - back).join(', ')} ms after the pulses began`,
      );

      await sleep(1_500);
      for (const p of probes) {
        expect(p.requests().map((r) => [r.answer, p.kindOf(r)])).toEqual([
          [200, 'down'],
          [200, 'recovered'],
        ]);
        const alerts = await alertsOf(server, p.service);
        const down = alerts.find((a) => a.kind === 'down');
        const recovered = alerts.find((a) => a.kind === 'recovered');
        expect(alerts).toHaveLength(2);
        expect(down).toMatchObject({ channel, target: p.target, status: 'sent', attempts: 1, lastError: null });
        expect(recovered).toMatchObject({ channel, target: p.target, status: 'sent', attempts: 1, lastError: null });
        expectContent(p, delivered(p, 'down')[0]!, down!);
        expectContent(p, delivered(p, 'recovered')[0]!, recovered!);
      }
    },
    20_000,
  );

  it('sends nothing for a service cancelled before its deadline', async () => {
    const p = probe('webhook', uniqueName(`${kind}-cancelled`));
    const hb = await pulse(server, p.service, 'webhook', p.target, 1);
    const cancelled = await call<{ heartBeat: Heartbeat }>(server, 'DELETE', '/heartbeat', { service: p.service });
    expect(cancelled.heartBeat).toMatchObject({ cancelled: true, status: 'cancelled' });
    expect(Date.now()).toBeLessThan(hb.expected * 1000);

    await sleep(hb.expected * 1000 + 1_500 - Date.now());
    expect(p.requests()).toEqual([]);
    expect(await alertsOf(server, p.service)).toEqual([]);
    const after = await call<{ heartBeat: Heartbeat }>(server, 'GET', `/heartbeat/${encodeURIComponent(p.service)}`);
    expect(after.heartBeat).toMatchObject({ cancelled: true, alerted: false, status: 'cancelled' });
  });

  it('delivers a webhook once, under one webhook-id, after the receiver answered 500 three times', async () => {
    const p = probe('webhook', uniqueName(`${kind}-outage`));
    fake.failNext(`/hooks/${p.service}`, 3, 500);
    const hb = await pulse(server, p.service, 'webhook', p.target, 1);
    // Retries after about 1, 2 and 4 s (±20 %).
    await fake.waitFor('the webhook to be accepted after the outage', () => delivered(p, 'down').length >= 1, 15_000);
    await sleep(1_000);

    const attempts = p.requests();
    console.log(
      `webhook outage on ${kind}: attempts at +${attempts.map((r) => r.at - hb.expected * 1000).join(', +')} ms after the deadline`,
    );
    expect(attempts.map((r) => r.answer)).toEqual([500, 500, 500, 200]);
    const ids = new Set(attempts.map((r) => header(r, 'webhook-id')));
    expect(ids.size).toBe(1);
    expect(attempts.every(signatureVerifies)).toBe(true);
    const gaps = attempts.slice(1).map((r, i) => r.at - attempts[i]!.at);
    expect(gaps[0]).toBeGreaterThanOrEqual(700);
    expect(gaps[2]!).toBeGreaterThan(gaps[0]!);

    const [alert, ...others] = await alertsOf(server, p.service);
    expect(others).toEqual([]);
    expect(alert).toMatchObject({ kind: 'down', status: 'sent', lastError: null });
    expect(alert!.attempts).toBeGreaterThanOrEqual(4);
    expect([...ids]).toEqual([alert!.id]);
  });

  it('sends one webhook saying both when the service pulses again while its down waits to be retried', async () => {
    const p = probe('webhook', uniqueName(`${kind}-flap`));
    // The receiver refuses the down, so it waits in back-off when the service comes back.
    fake.failNext((r) => r.path === `/hooks/${p.service}` && p.kindOf(r) === 'down', 3, 500);
    await pulse(server, p.service, 'webhook', p.target, 1);
    await fake.waitFor('the first attempt of the down alert', () => p.requests().length >= 1, 5_000);
    await pulse(server, p.service, 'webhook', p.target, 3600);
    await fake.waitFor('the recovery', () => delivered(p, 'recovered').length >= 1, 5_000);
    await sleep(2_500);

    expect(p.requests().map((r) => [r.answer, p.kindOf(r)])).toEqual([
      [500, 'down'],
      [200, 'recovered'],
    ]);
    const body = bodyOf(delivered(p, 'recovered')[0]!);
    expect(body.text).toMatch(new RegExp(`^${p.service} was down from \\S+ \\(not pulsing since \\S+\\) and is pulsing again since `));
    expect(body.downNotSent).toBe(true);
    const alerts = await alertsOf(server, p.service);
    expect(alerts.map((a) => [a.kind, a.status])).toEqual([
      ['recovered', 'sent'],
      ['down', 'superseded'],
    ]);
  });

  it('delivers an e-mail once, under one Idempotency-Key, after Resend dropped the connection twice', async () => {
    const p = probe('email', uniqueName(`${kind}-dropped`));
    fake.failNext((r) => r.path === '/emails' && JSON.stringify(bodyOf(r).to) === JSON.stringify([p.target]), 2, 'drop');
    await pulse(server, p.service, 'email', p.target, 1);
    // Retries after about 1 and 2 s (±20 %).
    await fake.waitFor('the e-mail to be accepted after the outage', () => delivered(p, 'down').length >= 1, 10_000);
    await sleep(1_000);

    const attempts = p.requests();
    expect(attempts.map((r) => r.answer)).toEqual(['dropped', 'dropped', 200]);
    const [alert, ...others] = await alertsOf(server, p.service);
    expect(others).toEqual([]);
    expect(alert).toMatchObject({ kind: 'down', status: 'sent', attempts: 3, lastError: null });
    expect(attempts.map((r) => header(r, 'idempotency-key'))).toEqual([alert!.id, alert!.id, alert!.id]);
  });

  it('delivers an event sent with alert: true to the default webhook once', async () => {
    const service = uniqueName(`${kind}-event`);
    const message = `disk full on ${service}`;
    const before = fake.requestsTo(eventHook).length;
    const { event } = await call<{ event: Event }>(server, 'POST', '/event', { service, level: 'error', message, alert: true });
    await fake.waitFor('the event alert', () => fake.requestsTo(eventHook).length > before, 3_000);
    await sleep(1_000);

    const received = fake.requestsTo(eventHook).slice(before);
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request!.answer).toBe(200);
    expect(signatureVerifies(request!)).toBe(true);
    expect(bodyOf(request!)).toMatchObject({ type: 'event.alert', service, message, eventId: event.id, level: 40 });
    const [alert, ...others] = await alertsOf(server, service);
    expect(others).toEqual([]);
    expect(alert).toMatchObject({ kind: 'event', channel: 'webhook', status: 'sent', attempts: 1 });
    expect(header(request!, 'webhook-id')).toBe(alert!.id);
  });
});

// ---------------------------------------------------------------------------------------

describe('three server processes on one PostgreSQL database', () => {
  let database: { url: string; drop: () => Promise<void> } | undefined;

  afterEach(async () => {
    await cleanUpServers();
    await database?.drop();
    database = undefined;
  });

  it('alerts each of 120 deaths exactly once when one process is killed as the deadlines pass', async () => {
    database = await createTestDatabase();
    const env = alertingEnv({ DATABASE_URL: database.url });
    const servers = await Promise.all([0, 1, 2].map(() => startServer({ env })));
    const [victim, ...survivors] = servers as [ServerProcess, ServerProcess, ServerProcess];
    // A receiver that takes 800 ms to answer: the deliveries the victim has under way when
    // it dies stay unconfirmed, and must come back (same id) when their lease runs out.
    const prefix = `/hooks/${uniqueName('swarm')}-`;
    fake.slowDown(prefix, 800);

    // 12 waves of 10 pulses, 100 ms apart, each service through one of the three
    // processes: the deadlines spread over about 1.2 s, and the kill falls among them.
    const services = Array.from({ length: 120 }, (_, i) => `${prefix.slice('/hooks/'.length)}${String(i).padStart(3, '0')}`);
    const deadlines = new Map<string, number>();
    for (let wave = 0; wave < 12; wave += 1) {
      const batch = services.slice(wave * 10, wave * 10 + 10);
      const beats = await Promise.all(
        batch.map((service, i) => pulse(servers[(wave * 10 + i) % 3]!, service, 'webhook', `${fake.url}/hooks/${service}`, 2)),
      );
      for (const hb of beats) deadlines.set(hb.service, hb.expected * 1000);
      await sleep(100);
    }
    const sorted = [...deadlines.values()].sort((a, b) => a - b);
    const killAt = sorted[Math.floor(sorted.length / 2)]!;
    await sleep(killAt - Date.now());
    expect(await victim.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    const killedAt = Date.now();

    const requestsOf = (service: string) => fake.requests.filter((r) => r.path === `/hooks/${service}`);
    // A delivery the killed process had under way comes back when its lease (60 s) runs out.
    await fake.waitFor(
      'a down alert for each of the 120 services',
      () => services.every((service) => requestsOf(service).some((r) => r.answer === 200)),
      90_000,
    );
    const alerts = await waitUntil(
      '120 down alerts, all sent',
      () => alertsOf(survivors[0]),
      (list) => list.filter((a) => a.kind === 'down' && a.status === 'sent').length >= 120,
      10_000,
    );
    await sleep(1_500);

    let redelivered = 0;
    let latestArrival = 0;
    const distinctIds = services.map((service) => {
      const received = requestsOf(service);
      redelivered += received.length - 1;
      latestArrival = Math.max(latestArrival, ...received.map((r) => r.at));
      return new Set(received.map((r) => header(r, 'webhook-id'))).size;
    });
    const all = services.flatMap(requestsOf);
    const cutOff = all.filter((r) => r.answer === 'client-gone').length;
    const beforeKill = services.filter((service) => requestsOf(service)[0]!.at < killedAt).length;
    const onTime = services.filter((service) => requestsOf(service)[0]!.at - deadlines.get(service)! < 1_000).length;
    console.log(
      `120 deaths, 3 processes, one SIGKILLed at the median deadline: ${beforeKill} reached the receiver before the kill, ` +
        `${onTime} within 1 s of their deadline; ${cutOff} cut off by the kill; ${redelivered} redelivered under the ` +
        `same webhook-id; last arrival ${latestArrival - killedAt} ms after the kill`,
    );

    expect(distinctIds.filter((count) => count !== 1)).toEqual([]);
    expect(services.filter((service) => !requestsOf(service).some((r) => r.answer === 200))).toEqual([]);
    expect(all.filter((r) => r.answer !== 200 && r.answer !== 'client-gone')).toEqual([]);
    expect(all.every(signatureVerifies)).toBe(true);
    // Only a delivery under way at the kill may come twice: its first attempt came before it.
    expect(services.filter((service) => requestsOf(service).length > 1 && requestsOf(service)[0]!.at > killedAt)).toEqual([]);
    const down = alerts.filter((a) => a.kind === 'down');
    expect(down).toHaveLength(120);
    expect(new Set(down.map((a) => a.service))).toEqual(new Set(services));
    expect(down.every((a) => a.status === 'sent')).toBe(true);
    const idOf = new Map(down.map((a) => [a.service, a.id]));
    for (const service of services) {
      expect(header(requestsOf(service)[0]!, 'webhook-id')).toBe(idOf.get(service));
    }
    // The survivors agree.
    expect((await alertsOf(survivors[1])).filter((a) => a.kind === 'down')).toHaveLength(120);
  }, 120_000);
});

// ---------------------------------------------------------------------------------------

describe.each(DATABASE_KINDS)('a restart after downtime, with data on %s', (kind: DatabaseKind) => {
  let database: { url: string; drop: () => Promise<void> } | undefined;

  afterEach(async () => {
    await cleanUpServers();
    await database?.drop();
    database = undefined;
  });

  it('gives a service whose deadline passed while no server ran one fresh nextIn, then alerts it once', async () => {
    database = kind === 'postgres' ? await createTestDatabase() : undefined;
    const env = alertingEnv({ WATCHTOWER_DATA_DIR: temporaryFolder('watchtower-data-'), DATABASE_URL: database?.url });
    const p = probe('webhook', uniqueName(`${kind}-restart`));

    const first = await startServer({ env });
    const before = await pulse(first, p.service, 'webhook', p.target, 3);
    expect(await first.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    const stoppedAt = Date.now();
    await sleep(4_000);
    expect(Date.now()).toBeGreaterThan(before.expected * 1000);

    const restartAt = Date.now();
    const second = await startServer({ env });
    const readyAt = Date.now();
    const { heartBeat } = await call<{ heartBeat: Heartbeat }>(second, 'GET', `/heartbeat/${encodeURIComponent(p.service)}`);
    expect(heartBeat).toMatchObject({ status: 'alive', alerted: false, last: before.last });
    expect(heartBeat.expected * 1000).toBeGreaterThanOrEqual(restartAt + 3_000);
    expect(heartBeat.expected * 1000).toBeLessThanOrEqual(readyAt + 3_000);

    const events = await eventsOf(second, p.service);
    expect(events).toHaveLength(1);
    expect(events[0]!.message).toMatch(/gone unheard while no watchtower server ran/);

    // Quiet for 2 s after the restart (or until just before the fresh deadline).
    await sleep(Math.min(readyAt + 2_000, heartBeat.expected * 1000 - 100) - Date.now());
    expect(p.requests()).toEqual([]);
    expect(await alertsOf(second, p.service)).toEqual([]);

    // Still silent: it dies at the fresh deadline, and is alerted once.
    await fake.waitFor('the down alert after the fresh deadline', () => delivered(p, 'down').length >= 1, 4_000);
    await sleep(1_000);
    const received = p.requests();
    expect(received.map((r) => [r.answer, p.kindOf(r)])).toEqual([[200, 'down']]);
    const delay = received[0]!.at - heartBeat.expected * 1000;
    console.log(`restart on ${kind}: down for ${restartAt - stoppedAt} ms; alert ${delay} ms after the fresh deadline`);
    recordDelay(`webhook after restart, ${kind}`, delay);
    expect(delay).toBeGreaterThanOrEqual(0);
    expect(delay).toBeLessThan(1_000);
    const [alert, ...others] = await alertsOf(second, p.service);
    expect(others).toEqual([]);
    expect(alert).toMatchObject({ kind: 'down', status: 'sent', attempts: 1 });
  }, 40_000);
});

// On PGlite the data-folder lock proves the killed process is gone; on PostgreSQL the
// killed process's liveness lock went with its session.
describe.each(DATABASE_KINDS)('a restart after a crash, with data on %s', (kind: DatabaseKind) => {
  let database: { url: string; drop: () => Promise<void> } | undefined;

  afterEach(async () => {
    await cleanUpServers();
    await database?.drop();
    database = undefined;
  });

  // A SIGKILLed PGlite server takes its stale lock over and replays its WAL: some 10 s on a busy machine.
  it('gives a service whose deadline passed while the killed server was down one fresh nextIn', async () => {
    database = kind === 'postgres' ? await createTestDatabase() : undefined;
    const env = alertingEnv({ WATCHTOWER_DATA_DIR: temporaryFolder('watchtower-data-'), DATABASE_URL: database?.url });
    const p = probe('webhook', uniqueName(`${kind}-crash`));

    const first = await startServer({ env });
    const before = await pulse(first, p.service, 'webhook', p.target, 3);
    expect(await first.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    await sleep(4_000);
    expect(Date.now()).toBeGreaterThan(before.expected * 1000);

    const restartAt = Date.now();
    const second = await startServer({ env });
    const { heartBeat } = await call<{ heartBeat: Heartbeat }>(second, 'GET', `/heartbeat/${encodeURIComponent(p.service)}`);
    expect(heartBeat).toMatchObject({ status: 'alive', alerted: false });
    expect(heartBeat.expected * 1000).toBeGreaterThanOrEqual(restartAt + 3_000);
    await sleep(heartBeat.expected * 1000 - 100 - Date.now());
    expect(p.requests()).toEqual([]);

    await fake.waitFor('the down alert after the fresh deadline', () => delivered(p, 'down').length >= 1, 4_000);
    await sleep(500);
    expect(p.requests().map((r) => [r.answer, p.kindOf(r)])).toEqual([[200, 'down']]);
  }, 60_000);
});
