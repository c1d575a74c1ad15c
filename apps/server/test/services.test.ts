import { describe, expect, it } from 'vitest';
import { claimOverdueHeartbeats } from '../src/domain/heartbeats/claim-overdue-heartbeats.js';
import { DATABASE_KINDS } from './support/databases.js';
import { useTestApp } from './support/test-app.js';

describe.each(DATABASE_KINDS)('configured services on %s', (kind) => {
  const t = useTestApp(kind);
  const ctx = () => ({ db: t.storage, clock: t.clock });
  const sweep = async () => (await claimOverdueHeartbeats(ctx())).services;
  const json = async (response: Response) => ({ status: response.status, body: await response.json() });
  const put = async (service: string, settings: Record<string, unknown>) =>
    json(await t.call('PUT', `/heartbeat/${encodeURIComponent(service)}`, settings));
  const get = async (service: string) => (await json(await t.call('GET', `/heartbeat/${encodeURIComponent(service)}`))).body.heartBeat;
  const now = () => t.clock.now().getTime() / 1000;

  describe('PUT /heartbeat/:service', () => {
    it('creates a service that is new, and not alerted before its first signal', async () => {
      const { status, body } = await put('backup', { period: '1h', grace: '10m', alertType: 'log', alertTarget: 'ops' });
      expect(status).toBe(200);
      expect(body.heartBeat).toMatchObject({
        service: 'backup',
        status: 'new',
        schedule: { kind: 'period', period: 3600 },
        grace: 600,
        alertType: 'log',
        alertTarget: 'ops',
        pingUrl: expect.stringMatching(/^http:\/\/localhost\/ping\/[A-Za-z0-9_-]{43}$/),
      });
      t.clock.advance(3 * 3600);
      expect(await sweep()).toEqual([]);
      expect(await get('backup')).toMatchObject({ status: 'new', alerted: false });
    });

    it('watches a service from its first pulse, with the stored schedule and grace', async () => {
      await put('backup', { period: 3600, grace: 600, alertType: 'log', alertTarget: 'ops' });
      const pulsed = await json(await t.call('POST', '/heartbeat', { service: 'backup' }));
      expect(pulsed.status).toBe(200);
      expect(pulsed.body.heartBeat).toMatchObject({ status: 'alive', expected: now() + 4200, schedule: { kind: 'period' } });
      t.clock.advance(4200);
      expect(await sweep()).toEqual([]);
      t.clock.advance(0.001);
      expect(await sweep()).toEqual(['backup']);
    });

    it('expects a cron service at its next run plus grace, in its time zone', async () => {
      // 2026-01-01T12:00:00Z is 13:00 in Paris; the job runs at 03:15 Paris time on weekdays.
      await put('nightly', { cron: '15 3 * * 1-5', tz: 'Europe/Paris', grace: '30m', alertType: 'log', alertTarget: 'ops' });
      const pulsed = (await json(await t.call('POST', '/heartbeat', { service: 'nightly' }))).body.heartBeat;
      // Friday 2 January 2026, 03:15 in Paris = 02:15Z, plus 30 min.
      expect(pulsed.expected).toBe(Date.UTC(2026, 0, 2, 2, 45) / 1000);
      expect(pulsed.schedule).toEqual({ kind: 'cron', cron: '15 3 * * 1-5', tz: 'Europe/Paris' });
      t.clock.set(Date.UTC(2026, 0, 2, 2, 45));
      expect(await sweep()).toEqual([]);
      t.clock.set(Date.UTC(2026, 0, 2, 2, 45) + 1);
      expect(await sweep()).toEqual(['nightly']);
      // The run on Friday pulsed late, on Saturday: the next deadline skips the weekend.
      t.clock.set(Date.UTC(2026, 0, 3, 9));
      const back = (await json(await t.call('POST', '/heartbeat', { service: 'nightly' }))).body.heartBeat;
      expect(back.expected).toBe(Date.UTC(2026, 0, 5, 2, 45) / 1000);
    });

    it('replaces the configuration of a known service and moves its deadline with it', async () => {
      await t.call('POST', '/heartbeat', { service: 'api', alertType: 'log', alertTarget: 'ops', nextIn: 60 });
      const { body } = await put('api', { period: 120, grace: 30 });
      expect(body.heartBeat).toMatchObject({ status: 'alive', expected: now() + 150, alertType: 'log', alertTarget: 'watchtower' });
    });

    it('refuses bad settings with a hint, and stores nothing', async () => {
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{}, /a schedule is required/],
        [{ period: 60, nextIn: 60 }, /give one schedule, not nextIn and period/],
        [{ cron: '0 3 * *' }, /cron must be 5 fields/],
        [{ cron: '0 25 * * *' }, /hour/],
        [{ cron: '0 3 * * *', tz: 'Mars/Olympus' }, /tz must be an IANA time zone name/],
        [{ cron: '0 0 31 2 *' }, /never fires/],
        [{ period: 60, channels: ['ops-pager'] }, /channels names "ops-pager", which is no channel here/],
        [{ period: 60, alertType: 'email', alertTarget: 'not an address' }, /e-?mail/i],
        [{ period: 60, colour: 'red' }, /colour/],
      ];
      for (const [settings, hint] of cases) {
        const { status, body } = await put('svc', settings);
        expect({ settings, status }).toEqual({ settings, status: 400 });
        expect(body.hint).toMatch(hint);
      }
      expect(await t.count('heartbeats')).toBe(0);
    });
  });

  describe('PATCH, DELETE, pause and resume', () => {
    it('changes only the settings named', async () => {
      await put('backup', { period: 3600, grace: 60, description: 'nightly dump', tags: ['db'] });
      const { status, body } = await json(await t.call('PATCH', '/heartbeat/backup', { grace: '5m', tags: null }));
      expect(status).toBe(200);
      expect(body.heartBeat).toMatchObject({
        grace: 300,
        tags: [],
        description: 'nightly dump',
        schedule: { kind: 'period', period: 3600 },
      });
    });

    it('answers 404 for a service it does not know', async () => {
      for (const [method, path, body] of [
        ['PATCH', '/heartbeat/ghost', { grace: 5 }],
        ['DELETE', '/heartbeat/ghost', undefined],
        ['POST', '/heartbeat/ghost/pause', undefined],
        ['POST', '/heartbeat/ghost/start', {}],
        ['POST', '/heartbeat/ghost/fail', {}],
        ['POST', '/heartbeat/ghost/log', { message: 'hi' }],
        ['GET', '/heartbeat/ghost/runs', undefined],
      ] as const) {
        const response = await json(await t.call(method, path, body));
        expect({ method, path, status: response.status }).toEqual({ method, path, status: 404 });
        expect(response.body.hint).toMatch(/no service named "ghost"/);
      }
    });

    it('deletes a service with its runs and events', async () => {
      await put('old', { period: 60 });
      await t.call('POST', '/heartbeat/old/start', {});
      await t.call('POST', '/heartbeat/old/log', { message: 'working' });
      await t.call('POST', '/heartbeat/other/log', { message: 'kept' }); // 404: not a service
      await t.call('POST', '/event', { service: 'other', message: 'kept' });
      const { status, body } = await json(await t.call('DELETE', '/heartbeat/old'));
      expect(status).toBe(200);
      expect(body.heartBeat.service).toBe('old');
      expect((await json(await t.call('GET', '/heartbeat/old'))).status).toBe(404);
      const [left] = await t.storage.query<{ runs: number; events: number }>(
        `select (select count(*) from runs)::int as runs, (select count(*) from events where service = 'old')::int as events`,
        [],
      );
      expect(left).toEqual({ runs: 0, events: 0 });
      expect(await t.count('events')).toBe(1);
    });

    it('keeps a paused service quiet past its deadline, through pulses, until it is resumed', async () => {
      await t.call('POST', '/heartbeat', { service: 'batch', alertType: 'log', alertTarget: 'ops', nextIn: 60 });
      expect((await json(await t.call('POST', '/heartbeat/batch/pause'))).body.heartBeat.status).toBe('paused');
      t.clock.advance(120);
      expect(await sweep()).toEqual([]);
      await t.call('POST', '/heartbeat', { service: 'batch' });
      t.clock.advance(120);
      expect(await sweep()).toEqual([]);
      expect((await get('batch')).status).toBe('paused');
      const resumed = (await json(await t.call('POST', '/heartbeat/batch/resume'))).body.heartBeat;
      expect(resumed).toMatchObject({ status: 'alive', expected: now() + 60 });
      t.clock.advance(60.001);
      expect(await sweep()).toEqual(['batch']);
    });
  });

  describe('pulses that rely on the stored settings', () => {
    it('keeps the channel and schedule of a known service', async () => {
      await t.call('POST', '/heartbeat', { service: 'worker', alertType: 'log', alertTarget: 'ops', nextIn: 45 });
      const { body } = await json(await t.call('POST', '/heartbeat', { service: 'worker' }));
      expect(body.heartBeat).toMatchObject({ alertType: 'log', alertTarget: 'ops', nextIn: 45, expected: now() + 45 });
    });

    it('refuses a pulse without nextIn or channel for a service it does not know', async () => {
      const { status, body } = await json(await t.call('POST', '/heartbeat', { service: 'stranger' }));
      expect(status).toBe(400);
      expect(body.hint).toMatch(/nextIn and alertType and alertTarget are required: the server does not know service "stranger"/);
      const half = await json(await t.call('POST', '/heartbeat', { service: 'stranger', nextIn: 60 }));
      expect(half.body.hint).toMatch(/alertType and alertTarget are required/);
      expect(await t.count('heartbeats')).toBe(0);
    });

    it('refuses a channel named by half', async () => {
      const { status, body } = await json(await t.call('POST', '/heartbeat', { service: 'x', alertTarget: 'ops', nextIn: 5 }));
      expect(status).toBe(400);
      expect(body.hint).toMatch(/alertType is required/);
    });
  });
});
