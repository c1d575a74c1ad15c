import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import postgres from 'postgres';
import { formatIsoTime, ListAlertsResponse, PulseRequest } from '@watchtower/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannelRegistry } from '../src/channels/registry.js';
import { ConfigSchema } from '../src/config.js';
import { claimOverdueHeartbeats } from '../src/domain/heartbeats/claim-overdue-heartbeats.js';
import {
  claimDueAlerts,
  countFailedAlerts,
  listRecentAlerts,
  markAlertsSent,
  recordAlertFailure,
} from '../src/domain/outbox/delivery-queue.js';
import { enqueueAlerts } from '../src/domain/outbox/enqueue-alerts.js';
import { createPulseRecorder } from '../src/domain/heartbeats/record-pulse.js';
import { createSendStep } from '../src/jobs/sender.js';
import { silentLogger } from '../src/lib/logger.js';
import { DATABASE_KINDS } from './support/databases.js';
import { useTestApp } from './support/test-app.js';

// The outbox's promises, at the sender's level: a real database, the real webhook channel,
// and a local receiver standing in for the provider that answers as each test scripts it.

interface Answer {
  status: number;
  delayMs?: number;
}

interface Received {
  path: string;
  body: Record<string, unknown>;
  at: number;
}

/** A provider on loopback: answers 200 at once unless an answer was scripted for the path. */
function provider() {
  const received: Received[] = [];
  const scripts = new Map<string, Answer[]>();
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      received.push({ path, body: JSON.parse(body), at: Date.now() });
      const answer = scripts.get(path)?.shift() ?? { status: 200 };
      setTimeout(() => {
        if (!response.destroyed) response.writeHead(answer.status).end(answer.status === 200 ? 'ok' : `refused with ${answer.status}`);
      }, answer.delayMs ?? 0);
    });
  });
  return {
    received,
    to: (path: string) => received.filter((r) => r.path === path),
    script: (path: string, ...answers: Answer[]) => scripts.set(path, answers),
    reset: () => {
      received.length = 0;
      scripts.clear();
    },
    start: () => new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done())),
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
    url: (path: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
  };
}

function webhookConfig() {
  const config = ConfigSchema.parse({});
  config.alerts.webhook.secret = `whsec_${Buffer.from('k'.repeat(32)).toString('base64')}`;
  config.alerts.allowPrivateTargets = true;
  return config;
}

const sleep = (ms: number) => new Promise((wait) => setTimeout(wait, ms));

async function waitUntil(what: string, predicate: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${what}`);
    await sleep(10);
  }
}

const kindOf = (r: Received) => String(r.body.type);

/** Until a statement of the database waits for a row lock. */
async function waitForLockWait(sql: postgres.Sql): Promise<void> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const [row] =
      await sql`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`;
    if (row!.n > 0) return;
    if (Date.now() > deadline) throw new Error('no statement waited for a lock');
    await sleep(20);
  }
}

describe.each(DATABASE_KINDS)('the outbox on %s', (kind) => {
  const hook = provider();
  beforeAll(() => hook.start());
  afterAll(() => hook.stop());

  const t = useTestApp(kind, {
    configure: (config) => {
      config.alerts.webhook.secret = `whsec_${Buffer.from('k'.repeat(32)).toString('base64')}`;
      config.alerts.allowPrivateTargets = true;
      config.alerts.defaultType = 'log';
      config.alerts.defaultTarget = 'ops';
    },
  });
  const channels = createChannelRegistry(webhookConfig(), silentLogger);
  /** A sender, as one server process has it: each call is another process. */
  const sender = (options: Partial<Parameters<typeof createSendStep>[0]> = {}) =>
    createSendStep({ storage: t.storage, clock: t.clock, log: silentLogger, channels, ...options });
  /** What a domain verb runs with: the test's database and clock. */
  const ctx = () => ({ db: t.storage, clock: t.clock });
  const alerts = () => listRecentAlerts(ctx(), { limit: 500 });
  const alertOf = async (service: string, alertKind: string) =>
    (await alerts()).find((a) => a.service === service && a.kind === alertKind)!;
  const sweep = () => claimOverdueHeartbeats(ctx());
  const pulse = (service: string, nextIn = 10) =>
    t.call('POST', '/heartbeat', { service, alertType: 'webhook', alertTarget: hook.url(`/${service}`), nextIn });
  /** A service that pulsed, fell silent past its deadline and was claimed: one down alert pending. */
  async function kill(service: string) {
    await pulse(service, 10);
    t.clock.advance(11);
    await sweep();
  }

  describe('order', () => {
    it('holds a recovery back while the down raised before it is being delivered', async () => {
      hook.reset();
      await kill('db');
      hook.script('/db', { status: 200, delayMs: 800 });
      const first = sender()();
      await waitUntil('the down to reach the provider', () => hook.to('/db').length === 1);
      t.clock.advance(1);
      await pulse('db', 3600);
      // Another process finds the recovery due, but the down before it is still out.
      expect((await sender()()).didWork).toBe(false);
      await first;
      const send = sender();
      while ((await send()).didWork);
      expect(hook.to('/db').map(kindOf)).toEqual(['heartbeat.down', 'heartbeat.recovered']);
      expect(String(hook.to('/db')[1]!.body.text)).toMatch(/^db pulsed again at /);
      expect((await alerts()).map((a) => [a.kind, a.status])).toEqual([
        ['recovered', 'sent'],
        ['down', 'sent'],
      ]);
    });

    it('delivers the alerts of a service in the order they were raised while an older one waits in back-off', async () => {
      hook.reset();
      await t.call('POST', '/event', { service: 'app', level: 'error', message: 'first', alert: true });
      t.clock.advance(1);
      await t.call('POST', '/event', { service: 'app', level: 'error', message: 'second', alert: true });
      const target = hook.url('/app-events');
      await t.storage.query(`update alerts set channel = 'webhook', target = $1`, [target]);
      hook.script('/app-events', { status: 500 });
      const send = sender();
      while ((await send()).didWork);
      expect(hook.to('/app-events').map((r) => r.body.message)).toEqual(['first']);
      t.clock.advance(2);
      while ((await send()).didWork);
      expect(hook.to('/app-events').map((r) => r.body.message)).toEqual(['first', 'first', 'second']);
    });

    it('sends one message saying both when a service recovers while its down waits in back-off', async () => {
      hook.reset();
      await kill('cache');
      const downAt = t.clock.now().getTime() / 1000;
      hook.script('/cache', { status: 503 });
      await sender()();
      expect(await alertOf('cache', 'down')).toMatchObject({ status: 'pending', attempts: 1 });
      t.clock.advance(0.5);
      await pulse('cache', 3600);
      const backAt = t.clock.now().getTime() / 1000;
      const down = await alertOf('cache', 'down');
      expect(down.status).toBe('superseded');
      expect((await alertOf('cache', 'recovered')).details).toMatchObject({ downNotSent: true, downAlertId: down.id });

      t.clock.advance(60);
      const send = sender();
      while ((await send()).didWork);
      expect(hook.to('/cache').map(kindOf)).toEqual(['heartbeat.down', 'heartbeat.recovered']);
      const message = hook.to('/cache')[1]!.body;
      expect(message.text).toContain(
        `cache was down from ${formatIsoTime(downAt - 1)} (not pulsing since ${formatIsoTime(downAt - 11)}) and is pulsing again since ${formatIsoTime(backAt)}`,
      );
      expect(message.downNotSent).toBe(true);
      expect(await alertOf('cache', 'down')).toMatchObject({ status: 'superseded', attempts: 1 });
      expect(await alertOf('cache', 'recovered')).toMatchObject({ status: 'sent', attempts: 1 });
    });

    it('sends one message saying both when the down fails after the service came back during its attempt', async () => {
      hook.reset();
      await kill('auth');
      hook.script('/auth', { status: 503, delayMs: 500 });
      const first = sender()();
      await waitUntil('the down to reach the provider', () => hook.to('/auth').length === 1);
      t.clock.advance(0.2);
      await pulse('auth', 3600);
      expect(await alertOf('auth', 'down')).toMatchObject({ status: 'pending' });
      await first;
      const down = await alertOf('auth', 'down');
      expect(down).toMatchObject({ status: 'superseded', attempts: 1, lastError: expect.stringContaining('answered 503') });
      const send = sender();
      while ((await send()).didWork);
      expect(hook.to('/auth').map(kindOf)).toEqual(['heartbeat.down', 'heartbeat.recovered']);
      expect(String(hook.to('/auth')[1]!.body.text)).toMatch(/^auth was down from .* and is pulsing again since /);
      expect(hook.to('/auth')[1]!.body).toMatchObject({ downNotSent: true, downAlertId: down.id });
    });

    // Only PostgreSQL runs a pulse and a sender's outcome at the same time.
    it.runIf(kind === 'postgres')('supersedes a down whose failure is recorded while the recovering pulse runs', async () => {
      await kill('pay');
      const [claim] = await claimDueAlerts(ctx(), { leaseMs: 30_000 });
      // A third session holds the heartbeat: the pulse has read the down as claimed, and
      // waits, while the failure is recorded.
      const blocker = postgres(t.storage.url!, { max: 2, onnotice: () => {} });
      let letGo!: () => void;
      const released = new Promise<void>((go) => (letGo = go));
      let held!: () => void;
      const holding = new Promise<void>((yes) => (held = yes));
      const hold = blocker.begin(async (tx) => {
        await tx`select 1 from heartbeats where service = 'pay' for update`;
        held();
        await released;
      });
      try {
        await holding;
        t.clock.advance(1);
        const back = pulse('pay', 3600);
        await waitForLockWait(blocker);
        await recordAlertFailure(ctx(), { claim: claim!, error: 'refused', retryAt: new Date(t.clock.now().getTime() + 2_000) });
        letGo();
        expect((await back).status).toBe(200);
      } finally {
        letGo();
        await hold;
        await blocker.end();
      }
      expect(await alertOf('pay', 'down')).toMatchObject({ status: 'superseded', lastError: 'refused' });
      expect((await alertOf('pay', 'recovered')).details).toMatchObject({ downNotSent: true });
    });

    it('sends only the combined message when a service recovers before its down was tried', async () => {
      hook.reset();
      await kill('queue');
      t.clock.advance(2);
      await pulse('queue', 3600);
      const send = sender();
      while ((await send()).didWork);
      expect(hook.to('/queue').map(kindOf)).toEqual(['heartbeat.recovered']);
      expect(String(hook.to('/queue')[0]!.body.text)).toMatch(/^queue was down from .* and is pulsing again since /);
      expect((await alerts()).map((a) => [a.kind, a.status, a.attempts])).toEqual([
        ['recovered', 'sent', 1],
        ['down', 'superseded', 0],
      ]);
      const listed = ListAlertsResponse.parse(await (await t.call('GET', '/alerts?service=queue')).json());
      expect(listed.alerts.map((a) => [a.kind, a.status, a.nextAttempt])).toEqual([
        ['recovered', 'sent', null],
        ['down', 'superseded', null],
      ]);
    });

    it('keeps a recovery behind a down that a sweep raised just after the pulse was received', async () => {
      hook.reset();
      await pulse('disk', 10);
      t.clock.advance(10.5);
      const received = t.clock.now();
      t.clock.advance(0.5);
      await sweep();
      hook.script('/disk', { status: 200, delayMs: 500 });
      const first = sender()();
      await waitUntil('the down to reach the provider', () => hook.to('/disk').length === 1);
      // The pulse was received before the sweep, and written after it.
      await createPulseRecorder({ db: t.storage, clock: { now: () => received } })(
        PulseRequest.parse({ service: 'disk', alertType: 'webhook', alertTarget: hook.url('/disk'), nextIn: 3600 }),
      );
      expect((await sender()()).didWork).toBe(false);
      await first;
      await sender()();
      expect(hook.to('/disk').map(kindOf)).toEqual(['heartbeat.down', 'heartbeat.recovered']);
    });
  });

  describe('claims', () => {
    it('never lets a delivery that outlived its lease send the alert again or undo its sent status', async () => {
      hook.reset();
      await kill('api');
      hook.script('/api', { status: 500, delayMs: 1_200 });
      const slow = sender()();
      await waitUntil('the first attempt', () => hook.to('/api').length === 1);
      t.clock.advance(31);
      // Another process finds the lease over and delivers.
      await sender()();
      expect(await alertOf('api', 'down')).toMatchObject({ status: 'sent', attempts: 2 });
      // The first attempt's late failure finds the alert no longer its own.
      await slow;
      expect(await alertOf('api', 'down')).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
      t.clock.advance(120);
      expect((await sender()()).didWork).toBe(false);
      expect(hook.to('/api')).toHaveLength(2);
    });

    it('does not claim again an alert this process is still delivering', async () => {
      hook.reset();
      await kill('web');
      hook.script('/web', { status: 200, delayMs: 1_000 });
      const send = sender();
      const first = send();
      await waitUntil('the first attempt', () => hook.to('/web').length === 1);
      t.clock.advance(31);
      expect((await send()).didWork).toBe(false);
      await first;
      expect(hook.to('/web')).toHaveLength(1);
      expect(await alertOf('web', 'down')).toMatchObject({ status: 'sent', attempts: 1 });
    });

    it('gives up on a delivery that outlasts the delivery deadline, and retries it later', async () => {
      hook.reset();
      await kill('slow');
      hook.script('/slow', { status: 200, delayMs: 3_000 });
      const started = Date.now();
      await sender({ deliveryDeadlineMs: 300 })();
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(await alertOf('slow', 'down')).toMatchObject({
        status: 'pending',
        attempts: 1,
        // The channel gives up at the deadline (its own time-out is capped to it), or the sender does.
        lastError: expect.stringMatching(/no outcome within 0\.3 s|did not answer within 300 ms/),
      });
    });
    it('writes the sent statuses of many deliveries together, each only by the holder of its claim', async () => {
      hook.reset();
      await Promise.all(['ma', 'mb', 'mc'].map((service) => pulse(service, 10)));
      t.clock.advance(11);
      await sweep();
      const claims = await claimDueAlerts(ctx(), { leaseMs: 30_000 });
      expect(claims.map((claim) => claim.alert.service).sort()).toEqual(['ma', 'mb', 'mc']);
      // The lease of the second ran out and another sender holds it now.
      const stale = { ...claims[1]!, claimToken: 'an older claim' };
      const outcomes = await markAlertsSent(ctx(), { claims: [claims[0]!, stale, claims[2]!] });
      expect(outcomes.map((outcome) => outcome?.alert.status ?? null)).toEqual(['sent', null, 'sent']);
      expect(await alertOf(claims[1]!.alert.service, 'down')).toMatchObject({ status: 'pending', attempts: 1 });
    });
  });

  describe('a delivery whose sent status could not be written', () => {
    // The database itself refuses the first two writes of a sent status (a sequence is
    // not rolled back with the failed statement).
    async function failSentWrites(times: number) {
      await t.storage.query(`create sequence sent_write_failures`, []);
      await t.storage.query(
        `create function fail_sent_writes() returns trigger language plpgsql as $$
         begin
           if new.status = 'sent' and nextval('sent_write_failures') <= ${times} then
             raise exception 'the sent write was refused by the test';
           end if;
           return new;
         end $$`,
        [],
      );
      await t.storage.query(`create trigger fail_sent_writes before update on alerts for each row execute function fail_sent_writes()`, []);
      return async () => {
        await t.storage.query(`drop trigger fail_sent_writes on alerts`, []);
        await t.storage.query(`drop function fail_sent_writes()`, []);
        await t.storage.query(`drop sequence sent_write_failures`, []);
      };
    }

    it('is recorded again, never delivered again', async () => {
      hook.reset();
      await kill('mail');
      const restore = await failSentWrites(2);
      try {
        const send = sender({ background: { onSettled: () => {} } });
        await send();
        await waitUntil('the delivery', () => hook.to('/mail').length === 1);
        // While the record is retried, the lease may run out: this process keeps its hands off.
        t.clock.advance(31);
        await send();
        await send.drain();
        expect(await alertOf('mail', 'down')).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
        t.clock.advance(60);
        expect((await send()).didWork).toBe(false);
        expect(hook.to('/mail')).toHaveLength(1);
      } finally {
        await restore();
      }
    });
  });

  describe('event alerts', () => {
    it('delivers a death ahead of 500 queued event alerts, and at most 30 of them per channel a minute', async () => {
      hook.reset();
      await pulse('core', 10);
      const target = hook.url('/events');
      await enqueueAlerts(ctx(), {
        alerts: Array.from({ length: 500 }, (_, i) => ({
          kind: 'event' as const,
          service: `chatty-${i % 50}`,
          channel: 'webhook',
          target,
          details: { eventId: i, level: 40, message: `event ${i}`, date: t.clock.now().getTime() / 1000 },
        })),
        at: t.clock.now(),
      });
      t.clock.advance(11);
      await sweep();
      const swept = Date.now();
      const send = sender();
      await send();
      // The first step takes the death, whatever the queue holds before it.
      expect(hook.to('/core').map(kindOf)).toEqual(['heartbeat.down']);
      expect(hook.to('/core')[0]!.at - swept).toBeLessThan(1_000);
      expect(hook.to('/events').length).toBeLessThanOrEqual(30);
      while ((await send()).didWork);
      expect(hook.to('/events')).toHaveLength(30);
      const tally = await t.storage.query<{ status: string; attempts: number; later: boolean; n: number }>(
        `select status, attempts, status = 'pending' and next_attempt_at > $1 as later, count(*)::int as n from alerts
         where kind = 'event' group by 1, 2, 3 order by 1`,
        [t.clock.now().toISOString()],
      );
      // The others wait, untried, for the channel's next minute: none is dropped.
      expect(tally).toEqual([
        { status: 'pending', attempts: 0, later: true, n: 470 },
        { status: 'sent', attempts: 1, later: false, n: 30 },
      ]);

      t.clock.advance(61);
      while ((await send()).didWork);
      expect(hook.to('/events')).toHaveLength(60);
    }, 30_000);

    it('keeps slots for deaths while slow event alerts fill the sender', async () => {
      hook.reset();
      await pulse('core', 10);
      const target = hook.url('/slow-events');
      hook.script('/slow-events', ...Array.from({ length: 40 }, () => ({ status: 200, delayMs: 1_500 })));
      await enqueueAlerts(ctx(), {
        alerts: Array.from({ length: 40 }, (_, i) => ({
          kind: 'event' as const,
          service: `chatty-${i}`,
          channel: 'webhook',
          target,
          details: { eventId: i, level: 40, message: `event ${i}`, date: t.clock.now().getTime() / 1000 },
        })),
        at: t.clock.now(),
      });
      const send = sender({ background: { onSettled: () => {} } });
      while ((await send()).didWork);
      await waitUntil('event alerts under way', () => hook.to('/slow-events').length > 0);
      t.clock.advance(11);
      await sweep();
      const swept = Date.now();
      await send();
      await waitUntil('the death', () => hook.to('/core').length === 1, 1_000);
      expect(hook.to('/core')[0]!.at - swept).toBeLessThan(1_000);
      await send.drain();
    });
  });

  describe('refusals', () => {
    it('gives up at once, and says why, when the provider answers 404', async () => {
      hook.reset();
      await kill('gone');
      hook.script('/gone', { status: 404 });
      await sender()();
      const alert = await alertOf('gone', 'down');
      expect(alert).toMatchObject({ status: 'failed', attempts: 1 });
      expect(alert.lastError).toMatch(/^gave up: the provider refused permanently: 127\.0\.0\.1:\d+ answered 404/);
      t.clock.advance(3600);
      expect((await sender()()).didWork).toBe(false);
      expect(hook.to('/gone')).toHaveLength(1);
      const events = (await (await t.call('GET', '/events?service=gone')).json()).events;
      expect(events[0]).toMatchObject({
        service: 'gone',
        level: 40,
        message: expect.stringMatching(/^The down alert of gone through webhook failed: gave up: the provider refused permanently/),
      });
    });

    it('retries a 503 as before', async () => {
      hook.reset();
      await kill('busy');
      hook.script('/busy', { status: 503 });
      await sender()();
      expect(await alertOf('busy', 'down')).toMatchObject({
        status: 'pending',
        attempts: 1,
        lastError: expect.stringContaining('answered 503'),
      });
      t.clock.advance(2);
      await sender()();
      expect(await alertOf('busy', 'down')).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
      expect(await countFailedAlerts(ctx(), { since: new Date(0) })).toBe(0);
    });

    it('records an error event when an alert fails for good after its retries, and counts it', async () => {
      hook.reset();
      await kill('flaky');
      const before = t.clock.now();
      t.clock.advance(24 * 3600);
      hook.script('/flaky', { status: 500 });
      const published: unknown[] = [];
      const feed = {
        publish: (changes: unknown[]) => published.push(...changes),
        subscribe: () => () => {},
        close: async () => {},
        subscribers: 0,
      };
      await sender({ feed })();
      const alert = await alertOf('flaky', 'down');
      expect(alert).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringContaining('answered 500') });
      const events = (await (await t.call('GET', '/events?service=flaky')).json()).events;
      expect(events[0]).toMatchObject({
        service: 'flaky',
        level: 40,
        message: expect.stringContaining('The down alert of flaky through webhook failed'),
      });
      expect(published).toContainEqual({ type: 'event', event: events[0] });
      expect(published).toContainEqual({ type: 'alert', alert: expect.objectContaining({ id: alert.id, status: 'failed' }) });
      expect(await countFailedAlerts(ctx(), { since: before })).toBe(1);
      expect(await countFailedAlerts(ctx(), { since: new Date(t.clock.now().getTime() + 1) })).toBe(0);
      // The health probe counts it for a day.
      expect(await (await t.app.request('/healthz')).json()).toMatchObject({ status: 'ok', failedAlerts24h: 1 });
      t.clock.advance(24 * 3600 + 1);
      expect(await (await t.app.request('/healthz')).json()).toMatchObject({ failedAlerts24h: 0 });
    });
  });
});
