import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannelRegistry } from '../src/channels/registry.js';
import { ConfigSchema } from '../src/config.js';
import { claimOverdueHeartbeats } from '../src/domain/heartbeats/claim-overdue-heartbeats.js';
import { nextDeadline } from '../src/domain/heartbeats/lifecycle-alerts.js';
import { claimDueAlerts, listRecentAlerts } from '../src/domain/outbox/delivery-queue.js';
import { holdLivenessLock, registerInstance, stopInstance } from '../src/domain/instances/process-registry.js';
import { createSendStep, retryTime } from '../src/jobs/sender.js';
import { silentLogger } from '../src/lib/logger.js';
import { DATABASE_KINDS } from './support/databases.js';
import { PASSWORD, useTestApp } from './support/test-app.js';
import { createApp } from '../src/app.js';
import { createPulseRecorder, type PulseOutcome } from '../src/domain/heartbeats/record-pulse.js';
import { PulseRequest } from '@watchtower/protocol';

const pulse = (service: string, nextIn = 60, alertType = 'log', alertTarget = 'ops') => ({
  service,
  alertType,
  alertTarget,
  nextIn,
});

/** A webhook receiver on loopback that answers with the status it is told to. */
function receiver() {
  const received: Array<{ headers: Record<string, unknown>; body: Record<string, unknown> }> = [];
  let status = 200;
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: JSON.parse(body) });
      response.writeHead(status).end(status === 200 ? 'ok' : 'broken');
    });
  });
  return {
    received,
    answer: (code: number) => (status = code),
    start: () => new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done())),
    stop: () => new Promise<void>((done) => server.close(() => done())),
    url: (path = '/hook') => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
  };
}

describe.each(DATABASE_KINDS)('alerting rules on %s', (kind) => {
  const hook = receiver();
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
  /** What a domain verb runs with: the test's database and clock. */
  const ctx = () => ({ db: t.storage, clock: t.clock });
  const sweep = async () => (await claimOverdueHeartbeats(ctx())).services;
  const alerts = () => listRecentAlerts(ctx(), { limit: 100 });
  const events = async () =>
    (await (await t.call('GET', '/events')).json()).events as Array<{ service: string; level: number; message: string }>;

  describe('the sweeper', () => {
    it('claims a service one millisecond after its deadline, not at it', async () => {
      await t.call('POST', '/heartbeat', pulse('backup', 60));
      t.clock.advance(60);
      expect(await sweep()).toEqual([]);
      t.clock.advance(0.001);
      expect(await sweep()).toEqual(['backup']);
    });

    it('writes one down alert and one error event per death, and claims it only once', async () => {
      await t.call('POST', '/heartbeat', pulse('backup', 30, 'webhook', hook.url()));
      t.clock.advance(31);
      expect(await sweep()).toEqual(['backup']);
      expect(await sweep()).toEqual([]);
      const [alert, ...more] = await alerts();
      expect(more).toEqual([]);
      expect(alert).toMatchObject({
        kind: 'down',
        service: 'backup',
        channel: 'webhook',
        target: hook.url(),
        status: 'pending',
        attempts: 0,
      });
      expect(alert!.details).toMatchObject({
        nextIn: 30,
        last: Date.UTC(2026, 0, 1, 12) / 1000,
        expected: Date.UTC(2026, 0, 1, 12) / 1000 + 30,
      });
      const logged = await events();
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({
        service: 'backup',
        level: 40,
        message: expect.stringContaining('has not pulsed since 2026-01-01T12:00:00Z'),
      });
      const heartBeat = (await (await t.call('GET', '/heartbeat/backup')).json()).heartBeat;
      expect(heartBeat).toMatchObject({ alerted: true, status: 'dead' });
    });

    it('never alerts a cancelled service', async () => {
      await t.call('POST', '/heartbeat', pulse('retired', 10));
      await t.call('DELETE', '/heartbeat', { service: 'retired' });
      t.clock.advance(3600);
      expect(await sweep()).toEqual([]);
      expect(await t.count('alerts')).toBe(0);
    });

    it('claims each of many overdue services exactly once when sweeps run at the same time', async () => {
      await Promise.all(Array.from({ length: 150 }, (_, i) => t.call('POST', '/heartbeat', pulse(`svc-${i}`, 5))));
      t.clock.advance(6);
      const claimed = (await Promise.all([1, 2, 3, 4].map(() => claimOverdueHeartbeats(ctx(), { limit: 40 })))).flatMap(
        (claim) => claim.services,
      );
      const again = await sweep();
      const all = [...claimed, ...again];
      expect(all).toHaveLength(150);
      expect(new Set(all).size).toBe(150);
      expect(await t.count('alerts')).toBe(150);
    });

    it('knows the earliest deadline of the armed services', async () => {
      expect(await nextDeadline(ctx())).toBeNull();
      await t.call('POST', '/heartbeat', pulse('slow', 600));
      await t.call('POST', '/heartbeat', pulse('fast', 5));
      await t.call('POST', '/heartbeat', pulse('gone', 1));
      await t.call('DELETE', '/heartbeat', { service: 'gone' });
      expect((await nextDeadline(ctx()))?.getTime()).toBe(t.clock.now().getTime() + 5000);
    });
  });

  describe('recovery', () => {
    it('queues one recovered alert and an event when a dead service pulses again', async () => {
      await t.call('POST', '/heartbeat', pulse('backup', 60, 'webhook', hook.url()));
      t.clock.advance(125);
      await sweep();
      await t.call('POST', '/heartbeat', pulse('backup', 60, 'webhook', hook.url()));
      t.clock.advance(1);
      await t.call('POST', '/heartbeat', pulse('backup', 60, 'webhook', hook.url()));
      const kinds = (await alerts()).map((a) => a.kind).sort();
      expect(kinds).toEqual(['down', 'recovered']);
      const recovered = (await alerts()).find((a) => a.kind === 'recovered')!;
      expect(recovered.details).toMatchObject({ last: Date.UTC(2026, 0, 1, 12) / 1000, back: Date.UTC(2026, 0, 1, 12) / 1000 + 125 });
      expect(await events()).toContainEqual(
        expect.objectContaining({ service: 'backup', level: 20, message: 'Service backup is pulsing again after 2 min 5 s of silence.' }),
      );
    });

    it('words the silence in the recovery event as the recovery alert does', async () => {
      hook.answer(200);
      const send = createSendStep({
        storage: t.storage,
        clock: t.clock,
        log: silentLogger,
        channels: createChannelRegistry(webhookConfig(), silentLogger),
      });
      await t.call('POST', '/heartbeat', pulse('quiet', 60, 'webhook', hook.url()));
      t.clock.advance(120);
      await sweep();
      await send();
      await t.call('POST', '/heartbeat', pulse('quiet', 60, 'webhook', hook.url()));
      await send();
      expect(await events()).toContainEqual(expect.objectContaining({ message: 'Service quiet is pulsing again after 2 min of silence.' }));
      const delivered = hook.received.find((r) => r.body.type === 'heartbeat.recovered' && r.body.service === 'quiet');
      expect(delivered?.body.text).toContain('after 2 min of silence');
    });

    it('records the recovery event of each dead service that comes back in one batch, and none for the others', async () => {
      await Promise.all(['a', 'b', 'c'].map((service) => t.call('POST', '/heartbeat', pulse(service, 5))));
      t.clock.advance(3);
      await t.call('POST', '/heartbeat', pulse('c', 60));
      t.clock.advance(3);
      expect((await sweep()).sort()).toEqual(['a', 'b']);
      t.clock.advance(4);
      await Promise.all(['a', 'b', 'c'].map((service) => t.call('POST', '/heartbeat', pulse(service, 60))));
      const recoveries = (await events()).filter((event) => event.level === 20);
      expect(recoveries.map((event) => event.message).sort()).toEqual([
        'Service a is pulsing again after 10 s of silence.',
        'Service b is pulsing again after 10 s of silence.',
      ]);
      expect(
        (await alerts())
          .filter((a) => a.kind === 'recovered')
          .map((a) => a.service)
          .sort(),
      ).toEqual(['a', 'b']);
    });

    it('queues one recovery when two server processes get a pulse of the dead service at once', async () => {
      await t.call('POST', '/heartbeat', pulse('backup', 60));
      t.clock.advance(61);
      await sweep();
      // A second app has its own write queue, as another process would.
      const other = createApp({
        db: t.storage,
        clock: t.clock,
        config: { ...ConfigSchema.parse({}), password: PASSWORD },
        log: silentLogger,
      });
      const request = () => ({
        method: 'POST',
        headers: { password: PASSWORD, 'content-type': 'application/json' },
        body: JSON.stringify(pulse('backup', 60)),
      });
      const answers = await Promise.all([
        t.app.request('/heartbeat', request()),
        other.request('/heartbeat', request()),
        t.app.request('/', request()),
        other.request('/', request()),
      ]);
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
      expect((await alerts()).map((a) => a.kind).sort()).toEqual(['down', 'recovered']);
    });

    it('answers the recovery event it recorded, so live views can show it', async () => {
      await t.call('POST', '/heartbeat', pulse('backup', 60));
      t.clock.advance(61);
      await sweep();
      t.clock.advance(1);
      // The event a pulse recorded, as live views are told of it.
      const recoveryOf = ({ changes }: PulseOutcome) =>
        changes.feed.flatMap((change) => (change.type === 'event' ? [change.event] : []))[0] ?? null;
      const outcome = await createPulseRecorder(ctx())(PulseRequest.parse(pulse('backup', 60)));
      expect(recoveryOf(outcome)).toEqual({
        id: expect.any(Number),
        service: 'backup',
        level: 20,
        message: 'Service backup is pulsing again after 1 min 2 s of silence.',
        date: t.clock.now().getTime() / 1000,
      });
      const again = await createPulseRecorder(ctx())(PulseRequest.parse(pulse('backup', 60)));
      expect(recoveryOf(again)).toBeNull();
    });

    it('sends no recovery for a service that was late but not yet alerted', async () => {
      await t.call('POST', '/heartbeat', pulse('backup', 60));
      t.clock.advance(61);
      await t.call('POST', '/heartbeat', pulse('backup', 60));
      expect(await t.count('alerts')).toBe(0);
    });

    it('sends no recovery when a dead service was cancelled before it pulsed again', async () => {
      await t.call('POST', '/heartbeat', pulse('backup', 60));
      t.clock.advance(61);
      await sweep();
      await t.call('DELETE', '/heartbeat', { service: 'backup' });
      await t.call('POST', '/heartbeat', pulse('backup', 60));
      expect((await alerts()).map((a) => a.kind)).toEqual(['down']);
    });
  });

  describe('events with alert: true', () => {
    it('queue an event alert to the default channel in the same commit', async () => {
      const response = await t.call('POST', '/event', { service: 'disk', level: 'critical', message: 'disk full', alert: true });
      expect(response.status).toBe(200);
      const { event } = await response.json();
      const [alert] = await alerts();
      expect(alert).toMatchObject({ kind: 'event', service: 'disk', channel: 'log', target: 'ops' });
      expect(alert!.details).toMatchObject({ eventId: event.id, level: 50, message: 'disk full' });
    });

    it('queue nothing without alert: true', async () => {
      await t.call('POST', '/event', { service: 'disk', message: 'fine' });
      expect(await t.count('alerts')).toBe(0);
    });
  });

  describe('alert targets checked at pulse time', () => {
    it.each([
      [pulse('a', 60, 'pushover', 'short'), /alertType pushover cannot deliver on this server: .*PUSHOVER_TOKEN/],
      [pulse('a', 60, 'email', 'ops@example.com'), /alertType email cannot deliver on this server: .*RESEND_API_KEY/],
      [pulse('a', 60, 'mail', 'ops@example.com'), /alertType mail cannot deliver on this server: .*RESEND_API_KEY/],
      [pulse('a', 60, 'webhook', 'not a url'), /alertTarget: a webhook alertTarget must be an http\(s\) URL/],
      [pulse('a', 60, 'webhook', 'ftp://example.com/x'), /must be an http\(s\) URL; received a ftp URL/],
      [pulse('a', 60, 'slack', 'hooks.slack.com/services/x'), /alertTarget: a slack alertTarget must be an http\(s\) URL/],
    ])('refuses %j, storing nothing', async (body, hint) => {
      const response = await t.call('POST', '/heartbeat', body);
      expect(response.status).toBe(400);
      expect((await response.json()).hint).toMatch(hint);
      expect(await t.count('heartbeats')).toBe(0);
    });
  });

  describe('the sender', () => {
    it('delivers a due alert and marks it sent', async () => {
      hook.received.length = 0;
      hook.answer(200);
      await t.call('POST', '/heartbeat', pulse('backup', 10, 'webhook', hook.url()));
      t.clock.advance(11);
      await sweep();
      const send = createSendStep({
        storage: t.storage,
        clock: t.clock,
        log: silentLogger,
        channels: createChannelRegistry(webhookConfig(), silentLogger),
      });
      expect((await send()).didWork).toBe(true);
      expect(hook.received).toHaveLength(1);
      expect(hook.received[0]!.body).toMatchObject({ type: 'heartbeat.down', service: 'backup' });
      const [alert] = await alerts();
      expect(alert).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
      expect((await send()).didWork).toBe(false);
    });

    it('keeps a failed alert pending with its error, due again after a back-off', async () => {
      hook.received.length = 0;
      hook.answer(500);
      await t.call('POST', '/heartbeat', pulse('backup', 10, 'webhook', hook.url()));
      t.clock.advance(11);
      await sweep();
      const send = createSendStep({
        storage: t.storage,
        clock: t.clock,
        log: silentLogger,
        channels: createChannelRegistry(webhookConfig(), silentLogger),
      });
      await send();
      const [failed] = await alerts();
      expect(failed).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringContaining('answered 500') });
      const wait = failed!.nextAttemptAt.getTime() - t.clock.now().getTime();
      expect(wait).toBeGreaterThanOrEqual(800);
      expect(wait).toBeLessThanOrEqual(1200);
      expect(await claimDueAlerts(ctx(), { leaseMs: 60_000 })).toEqual([]);
      hook.answer(200);
      t.clock.advance(1.3);
      await send();
      expect((await alerts())[0]).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
      expect(hook.received.map((r) => r.headers['webhook-id'])).toEqual([failed!.id, failed!.id]);
    });

    it('does not hand a claimed alert to a second sender while the first holds it', async () => {
      await t.call('POST', '/event', { service: 'disk', message: 'full', alert: true });
      expect(await claimDueAlerts(ctx(), { leaseMs: 60_000 })).toHaveLength(1);
      expect(await claimDueAlerts(ctx(), { leaseMs: 60_000 })).toHaveLength(0);
      t.clock.advance(61);
      expect(await claimDueAlerts(ctx(), { leaseMs: 60_000 })).toHaveLength(1);
    });
  });

  describe('GET /alerts', () => {
    it('lists recent deliveries newest first, by service if asked', async () => {
      await t.call('POST', '/event', { service: 'a', message: 'one', alert: true });
      t.clock.advance(1);
      await t.call('POST', '/event', { service: 'b', message: 'two', alert: true });
      const all = await (await t.call('GET', '/alerts')).json();
      expect(all.alerts.map((a: { service: string }) => a.service)).toEqual(['b', 'a']);
      expect(all.alerts[0]).toMatchObject({ kind: 'event', channel: 'log', status: 'pending', attempts: 0, sent: null, lastError: null });
      const onlyA = await (await t.call('GET', '/alerts?service=a&limit=5')).json();
      expect(onlyA.alerts.map((a: { service: string }) => a.service)).toEqual(['a']);
    });

    it('refuses a bad limit with a hint', async () => {
      const response = await t.call('GET', '/alerts?limit=501');
      expect(response.status).toBe(400);
      expect((await response.json()).hint).toBe('limit must be at most 500');
    });
  });

  describe('restart grace', () => {
    // PostgreSQL tells live processes by the locks they hold; PGlite by how recently they were seen.
    const instance = (id: string) => ({ id, probe: kind === 'postgres' ? { lock: true as const } : { staleAfterMs: 15_000 } });

    it('gives one fresh nextIn to services whose deadline passed while no server ran, and says so', async () => {
      await registerInstance(ctx(), { ...instance('old') });
      await t.call('POST', '/heartbeat', pulse('overdue-before', 10)); // deadline +10 s, before the stop
      await t.call('POST', '/heartbeat', pulse('during', 100)); // deadline +100 s, in the downtime
      await t.call('POST', '/heartbeat', pulse('after', 1000)); // deadline +1000 s, after the restart
      t.clock.advance(20);
      await stopInstance(ctx(), { id: 'old' });
      t.clock.advance(280); // down from +20 s to +300 s
      const registration = await registerInstance(ctx(), { ...instance('new') });
      // "after" could have pulsed during the downtime too: its deadline would then be later.
      expect(registration.graced.sort()).toEqual(['after', 'during']);
      expect(registration.downtime!.to.getTime() - registration.downtime!.from.getTime()).toBe(280_000);
      const now = t.clock.now().getTime() / 1000;
      const get = async (service: string) => (await (await t.call('GET', `/heartbeat/${service}`)).json()).heartBeat;
      expect(await get('during')).toMatchObject({ status: 'alive', expected: now + 100 });
      expect((await get('after')).expected).toBe(now + 1000);
      expect(await get('overdue-before')).toMatchObject({ status: 'dead' });
      expect(await sweep()).toEqual(['overdue-before']);
      const logged = await events();
      expect(logged).toContainEqual(
        expect.objectContaining({
          service: 'during',
          level: 30,
          message: expect.stringContaining('may have gone unheard while no watchtower server ran'),
        }),
      );
      expect(logged).toContainEqual(
        expect.objectContaining({ service: 'watchtower', level: 30, message: expect.stringContaining('2 service(s)') }),
      );
    });

    it('gives grace to a service whose deadline falls just after a short restart, its pulse lost in it', async () => {
      await registerInstance(ctx(), { ...instance('old') });
      await t.call('POST', '/heartbeat', pulse('steady', 30)); // pulses every ~25 s, deadline +30 s
      t.clock.advance(20);
      await stopInstance(ctx(), { id: 'old' }); // its pulse at +25 s goes into the void
      t.clock.advance(8); // back at +28 s, before the deadline
      const registration = await registerInstance(ctx(), { ...instance('new') });
      expect(registration.graced).toEqual(['steady']);
      t.clock.advance(7); // past the old deadline (+30 s), well within the fresh one (+58 s)
      expect(await sweep()).toEqual([]);
      t.clock.advance(25);
      expect(await sweep()).toEqual(['steady']);
    });

    it('gives no grace while another server process is alive', async () => {
      await registerInstance(ctx(), { ...instance('peer') });
      const peerLock = kind === 'postgres' ? await holdLivenessLock(t.storage.url!, 'peer') : undefined;
      try {
        await t.call('POST', '/heartbeat', pulse('svc', 5));
        t.clock.advance(10);
        const registration = await registerInstance(ctx(), { ...instance('me') });
        expect(registration).toEqual({ downtime: null, graced: [] });
        expect(await sweep()).toEqual(['svc']);
      } finally {
        await peerLock?.release();
      }
    });

    it.runIf(kind === 'postgres')('counts the downtime of a killed process at once, its lock being free', async () => {
      // "crashed" registered moments ago and never stopped, but holds no lock: it is gone.
      await registerInstance(ctx(), { ...instance('crashed') });
      await t.call('POST', '/heartbeat', pulse('svc', 5));
      t.clock.advance(6);
      const registration = await registerInstance(ctx(), { ...instance('restarted') });
      expect(registration.graced).toEqual(['svc']);
      expect(await sweep()).toEqual([]);
    });

    it('gives no grace on the very first start', async () => {
      await t.call('POST', '/heartbeat', pulse('svc', 5));
      t.clock.advance(10);
      expect(await registerInstance(ctx(), { ...instance('first') })).toEqual({ downtime: null, graced: [] });
    });
  });
});

function webhookConfig() {
  const config = ConfigSchema.parse({});
  config.alerts.webhook.secret = `whsec_${Buffer.from('k'.repeat(32)).toString('base64')}`;
  config.alerts.allowPrivateTargets = true;
  return config;
}

describe('retryTime', () => {
  const created = new Date(Date.UTC(2026, 0, 1));
  it('doubles from one second, with jitter of at most a fifth', () => {
    const at = (attempts: number, random: number) =>
      retryTime({ attempts, createdAt: created }, created, () => random)!.getTime() - created.getTime();
    expect(at(1, 0.5)).toBe(1000);
    expect(at(2, 0.5)).toBe(2000);
    expect(at(5, 0.5)).toBe(16_000);
    expect(at(1, 0)).toBe(800);
    expect(at(1, 1)).toBe(1200);
  });

  it('waits at most 15 minutes between attempts', () => {
    expect(retryTime({ attempts: 40, createdAt: created }, created, () => 0.5)!.getTime() - created.getTime()).toBe(15 * 60_000);
  });

  it('gives up 24 hours after the alert was raised', () => {
    const later = new Date(created.getTime() + 24 * 3600_000 - 1);
    expect(retryTime({ attempts: 90, createdAt: created }, later)).not.toBeNull();
    expect(retryTime({ attempts: 90, createdAt: created }, new Date(later.getTime() + 1))).toBeNull();
  });
});
