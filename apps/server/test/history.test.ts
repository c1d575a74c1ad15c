import { describe, expect, it } from 'vitest';
import type { Db } from '../src/db/client.js';
import { claimOverdueHeartbeats } from '../src/domain/heartbeats/claim-overdue-heartbeats.js';
import { claimLifecycleAlerts } from '../src/domain/heartbeats/lifecycle-alerts.js';
import { recordPulses } from '../src/domain/heartbeats/record-pulse.js';
import { registerInstance, stopInstance } from '../src/domain/instances/process-registry.js';
import { DATABASE_KINDS } from './support/databases.js';
import { useTestApp } from './support/test-app.js';

const HOUR = 3_600;

describe.each(DATABASE_KINDS)('history on %s', (kind) => {
  const t = useTestApp(kind);
  const ctx = () => ({ db: t.storage, clock: t.clock });
  const sweep = async () => (await claimOverdueHeartbeats(ctx())).services;
  const json = async (response: Response) => ({ status: response.status, body: await response.json() });
  const pulse = (service: string, nextIn = HOUR, extra: Record<string, unknown> = {}) =>
    t.call('POST', '/heartbeat', { service, nextIn, alertType: 'log', alertTarget: 'ops', ...extra });
  const signal = (service: string, what: string, body: unknown = {}) => t.call('POST', `/heartbeat/${service}/${what}`, body);
  const history = async (service: string, query = '') => json(await t.call('GET', `/heartbeat/${service}/history${query}`));
  const flips = async (service: string) => (await history(service)).body.flips.map(({ from, to, cause }: Flip) => [from, to, cause]);
  const uptime = async (service: string) => (await history(service)).body.uptime;
  const flipCount = async () => (await t.storage.query<{ n: number }>('select count(*)::int as n from flips', []))[0]!.n;
  const now = () => t.clock.now().getTime() / 1000;
  // PostgreSQL tells live processes by the locks they hold; PGlite by how recently they were seen.
  const instance = (id: string) => ({ id, probe: kind === 'postgres' ? { lock: true as const } : { staleAfterMs: 15_000 } });

  interface Flip {
    at: number;
    from: string | null;
    to: string;
    cause: string;
  }

  describe('flips', () => {
    it('keeps a service created by its first pulse, its death and its recovery, each at its time', async () => {
      const created = now();
      await pulse('api', 60);
      t.clock.advance(60.5);
      expect(await sweep()).toEqual(['api']);
      const died = now();
      t.clock.advance(30);
      await pulse('api', 60);
      const { status, body } = await history('api');
      expect(status).toBe(200);
      expect(body).toEqual({
        result: 200,
        flips: [
          { at: now(), from: 'dead', to: 'alive', cause: 'recovered' },
          { at: died, from: 'alive', to: 'dead', cause: 'deadline' },
          { at: created, from: null, to: 'alive', cause: 'created' },
        ],
        next: null,
        uptime: { '24h': expect.any(Number), '7d': expect.any(Number), '30d': expect.any(Number) },
      });
    });

    it('writes no flip for a pulse that changes nothing', async () => {
      await pulse('api');
      expect(await flipCount()).toBe(1);
      for (let i = 0; i < 5; i++) {
        t.clock.advance(60);
        await pulse('api');
      }
      await pulse('api', 2 * HOUR, { message: 'a new nextIn is no new state' });
      expect(await flipCount()).toBe(1);
    });

    it('keeps the pulse of an alive service to one statement, and adds the flip to a batch only for a change', async () => {
      await pulse('steady');
      await pulse('back', 10);
      t.clock.advance(11);
      expect(await sweep()).toEqual(['back']);
      const statements: string[] = [];
      const counting = (db: Db): Db => ({
        query: (text, params, options) => {
          statements.push(text);
          return db.query(text, params, options);
        },
        transaction: (work) => db.transaction((tx) => work(counting(tx))),
      });
      const row = (service: string) => ({ service, alert_type: 'log', alert_target: 'ops', next_in: HOUR, message: null, rid: null });
      const deadline = new Date(Date.now() + 10_000);
      const record = (services: string[]) =>
        recordPulses({ db: counting(t.storage), clock: t.clock }, { pulses: services.map(row), deadline, sentAt: new Date() });
      await record(['steady']);
      expect(statements).toHaveLength(1);
      statements.length = 0;
      await record(['back', 'steady']);
      expect(statements.filter((text) => text.includes('insert into flips'))).toHaveLength(1);
      expect(await flips('steady')).toEqual([[null, 'alive', 'created']]);
      expect((await flips('back'))[0]).toEqual(['dead', 'alive', 'recovered']);
    });

    it('keeps a job: created, its start, its success, its failure and a run past its maxRuntime', async () => {
      await t.call('PUT', '/heartbeat/backup', { period: '1d', maxRuntime: '1h', alertType: 'log', alertTarget: 'ops' });
      await signal('backup', 'start');
      t.clock.advance(60);
      await pulse('backup');
      await signal('backup', 'start');
      await signal('backup', 'fail', { exitCode: 2 });
      await signal('backup', 'fail', { exitCode: 2 }); // dead already: no change
      await signal('backup', 'start'); // still dead until a success
      await pulse('backup'); // the success ends the run
      await signal('backup', 'start');
      t.clock.advance(HOUR + 1);
      expect(await sweep()).toEqual(['backup']);
      expect((await flips('backup')).reverse()).toEqual([
        [null, 'new', 'created'],
        ['new', 'started', 'start'],
        ['started', 'alive', 'pulse'],
        ['alive', 'started', 'start'],
        ['started', 'dead', 'failed'],
        ['dead', 'alive', 'recovered'],
        ['alive', 'started', 'start'],
        ['started', 'dead', 'timeout'],
      ]);
    });

    it('keeps a pause, a resume, a cancel and the pulse that re-arms it', async () => {
      await pulse('api');
      await signal('api', 'pause');
      await signal('api', 'pause');
      await pulse('api'); // still paused
      await signal('api', 'resume');
      await t.call('DELETE', '/heartbeat', { service: 'api' });
      await pulse('api');
      expect((await flips('api')).reverse()).toEqual([
        [null, 'alive', 'created'],
        ['alive', 'paused', 'paused'],
        ['paused', 'alive', 'resumed'],
        ['alive', 'cancelled', 'cancelled'],
        ['cancelled', 'alive', 'pulse'],
      ]);
    });

    it('keeps a late notice, and the pulse that answers it, as flips', async () => {
      await t.call('PUT', '/heartbeat/api', { nextIn: 60, warnBefore: 20, alertType: 'log', alertTarget: 'ops' });
      await pulse('api', 60);
      t.clock.advance(45);
      await claimLifecycleAlerts(ctx());
      const noticed = now();
      t.clock.advance(5);
      await pulse('api', 60);
      const history = (await flips('api')).reverse();
      expect(history).toEqual([
        [null, 'new', 'created'],
        ['new', 'alive', 'pulse'],
        ['alive', 'late', 'late'],
        ['late', 'alive', 'pulse'],
      ]);
      const late = (await (await t.call('GET', '/heartbeat/api/history')).json()).flips.find((flip: Flip) => flip.to === 'late');
      expect(late.at).toBe(noticed);
      // Late, then dead at the deadline: the death leaves late, not alive.
      t.clock.advance(45);
      await claimLifecycleAlerts(ctx());
      t.clock.advance(16);
      expect(await sweep()).toEqual(['api']);
      expect((await flips('api')).slice(0, 2)).toEqual([
        ['late', 'dead', 'deadline'],
        ['alive', 'late', 'late'],
      ]);
    });

    it('keeps a snooze, its end by the API, and the end of one that ran out at its own time', async () => {
      await pulse('api', 10 * HOUR);
      expect((await signal('api', 'snooze', { for: HOUR })).status).toBe(200);
      await signal('api', 'snooze', { for: 2 * HOUR }); // longer: no flip
      t.clock.advance(60);
      expect((await t.call('DELETE', '/heartbeat/api/snooze')).status).toBe(200);
      await signal('api', 'snooze', { for: HOUR });
      const snoozedAt = now();
      t.clock.advance(2 * HOUR);
      await claimLifecycleAlerts(ctx());
      const { body } = await history('api');
      expect(body.flips.map(({ from, to, cause }: Flip) => [from, to, cause]).reverse()).toEqual([
        [null, 'alive', 'created'],
        ['alive', 'snoozed', 'snoozed'],
        ['snoozed', 'alive', 'unsnoozed'],
        ['alive', 'snoozed', 'snoozed'],
        ['snoozed', 'alive', 'unsnoozed'],
      ]);
      // Dated when the snooze ran out, not when the sweeper saw it.
      expect(body.flips[0].at).toBe(snoozedAt + HOUR);
      expect((await (await t.call('GET', '/heartbeat/api')).json()).heartBeat.snoozedUntil).toBeNull();
    });

    it('keeps a death during a snooze under snoozed, and shows it dead when the snooze ends', async () => {
      await pulse('api', 60);
      await t.call('POST', '/snooze', { for: HOUR });
      t.clock.advance(61);
      expect(await sweep()).toEqual(['api']);
      t.clock.advance(HOUR);
      await claimLifecycleAlerts(ctx());
      expect((await flips('api')).reverse()).toEqual([
        [null, 'alive', 'created'],
        ['alive', 'snoozed', 'snoozed'],
        ['snoozed', 'dead', 'unsnoozed'],
      ]);
    });

    it('leaves snoozed time out of uptime: 1 h alive, 2 h snoozed, 1 h dead is one half', async () => {
      await pulse('api', HOUR);
      t.clock.advance(HOUR - 1);
      await signal('api', 'snooze', { for: 2 * HOUR });
      t.clock.advance(2 * HOUR);
      expect(await sweep()).toEqual(['api']);
      await claimLifecycleAlerts(ctx());
      t.clock.advance(HOUR);
      expect((await uptime('api'))['24h']).toBeCloseTo(0.5, 3);
    });

    it('keeps no flip for a change of settings, and none after the service is deleted', async () => {
      await t.call('PUT', '/heartbeat/api', { period: 60, alertType: 'log', alertTarget: 'ops' });
      await t.call('PUT', '/heartbeat/api', { period: 120, alertType: 'log', alertTarget: 'ops' });
      await t.call('PATCH', '/heartbeat/api', { grace: 30 });
      expect(await flips('api')).toEqual([[null, 'new', 'created']]);
      await t.call('DELETE', '/heartbeat/api');
      expect(await flipCount()).toBe(0);
      await pulse('api');
      expect(await flips('api')).toEqual([[null, 'alive', 'created']]);
    });
  });

  describe('paging', () => {
    it('pages through the flips newest first, with a cursor, to the end', async () => {
      await pulse('api');
      for (let i = 0; i < 4; i++) {
        t.clock.advance(10);
        await signal('api', i % 2 === 0 ? 'pause' : 'resume');
      }
      const first = await history('api', '?limit=2');
      expect(first.body.flips.map((flip: Flip) => flip.cause)).toEqual(['resumed', 'paused']);
      const second = await history('api', `?limit=2&before=${first.body.next}`);
      expect(second.body.flips.map((flip: Flip) => flip.cause)).toEqual(['resumed', 'paused']);
      expect(second.body.flips[0].at).toBeLessThan(first.body.flips[1].at);
      const third = await history('api', `?limit=2&before=${second.body.next}`);
      expect(third.body).toMatchObject({ flips: [{ cause: 'created' }], next: null });
    });

    it('pages flips of one instant by their order of writing', async () => {
      await pulse('api');
      await signal('api', 'pause');
      await signal('api', 'resume');
      const first = await history('api', '?limit=1');
      const rest = await history('api', `?limit=5&before=${first.body.next}`);
      expect([...first.body.flips, ...rest.body.flips].map((flip: Flip) => flip.cause)).toEqual(['resumed', 'paused', 'created']);
    });

    it('answers 404 for an unknown service and 400 for a bad limit or cursor', async () => {
      const unknown = await history('nobody');
      expect(unknown).toMatchObject({ status: 404, body: { code: 'NOT_FOUND', hint: expect.stringContaining('"nobody"') } });
      await pulse('api');
      expect(await history('api', '?limit=1001')).toMatchObject({ status: 400, body: { hint: 'limit must be at most 1000' } });
      expect(await history('api', '?before=nonsense')).toMatchObject({ status: 400, body: { hint: expect.stringContaining('before') } });
    });
  });

  describe('uptime', () => {
    it('is the share of the time alive: 20 h alive, then 4 h dead, is 0.8333 over a day', async () => {
      await pulse('api', 20 * HOUR);
      t.clock.advance(20 * HOUR + 0.001);
      expect(await sweep()).toEqual(['api']);
      t.clock.advance(4 * HOUR - 0.001);
      const figures = await uptime('api');
      expect(figures['24h']).toBeCloseTo(20 / 24, 6);
      // It was created a day ago: the longer windows count the same day.
      expect(figures['7d']).toBeCloseTo(20 / 24, 6);
      expect(figures['30d']).toBeCloseTo(20 / 24, 6);
      t.clock.advance(20 * HOUR);
      expect((await uptime('api'))['24h']).toBeCloseTo(0, 6);
    });

    it('counts a service created an hour ago over that hour, not over the day', async () => {
      await pulse('api', 10 * HOUR);
      t.clock.advance(HOUR / 2);
      await signal('api', 'fail');
      t.clock.advance(HOUR / 2);
      expect(await uptime('api')).toEqual({ '24h': 0.5, '7d': 0.5, '30d': 0.5 });
    });

    it('counts the time no server ran as unknown, not as down, and shows it in the history', async () => {
      const start = now();
      await pulse('api', 12 * HOUR);
      t.clock.advance(10 * HOUR);
      await registerInstance(ctx(), instance('old'));
      await stopInstance(ctx(), { id: 'old' });
      t.clock.advance(6 * HOUR);
      await registerInstance(ctx(), instance('new'));
      t.clock.advance(4 * HOUR);
      await signal('api', 'fail');
      t.clock.advance(4 * HOUR);
      // Up 10 h, unknown 6 h, up 4 h, dead 4 h.
      expect((await uptime('api'))['24h']).toBeCloseTo(14 / 18, 6);
      expect((await history('api')).body.flips).toEqual([
        { at: start + 20 * HOUR, from: 'alive', to: 'dead', cause: 'failed' },
        { at: start + 16 * HOUR, from: 'unknown', to: 'alive', cause: 'serverUp' },
        { at: start + 10 * HOUR, from: 'alive', to: 'unknown', cause: 'serverDown' },
        { at: start, from: null, to: 'alive', cause: 'created' },
      ]);
    });

    it('leaves a downtime before a service existed out of its history', async () => {
      await registerInstance(ctx(), instance('old'));
      await stopInstance(ctx(), { id: 'old' });
      t.clock.advance(HOUR);
      await registerInstance(ctx(), instance('new'));
      t.clock.advance(HOUR);
      await pulse('api');
      t.clock.advance(HOUR / 2);
      expect(await flips('api')).toEqual([[null, 'alive', 'created']]);
      expect((await uptime('api'))['24h']).toBe(1);
    });

    it('is null while nothing is known: a service created but never signalled, or paused all along', async () => {
      await t.call('PUT', '/heartbeat/job', { period: '1d', alertType: 'log', alertTarget: 'ops' });
      await pulse('quiet');
      await signal('quiet', 'pause');
      t.clock.advance(HOUR);
      expect(await uptime('job')).toEqual({ '24h': null, '7d': null, '30d': null });
      expect(await uptime('quiet')).toEqual({ '24h': null, '7d': null, '30d': null });
    });

    it('leaves paused time out: 1 h alive, 2 h paused, 1 h dead is one half', async () => {
      await pulse('api', 10 * HOUR);
      t.clock.advance(HOUR);
      await signal('api', 'pause');
      t.clock.advance(2 * HOUR);
      await signal('api', 'resume');
      await signal('api', 'fail');
      t.clock.advance(HOUR);
      expect((await uptime('api'))['24h']).toBe(0.5);
    });

    it('looks back 7 and 30 days: a death 3 days ago counts in those windows, not in the last day', async () => {
      await pulse('api', 10 * 86_400);
      t.clock.advance(10 * 86_400 + 1);
      expect(await sweep()).toEqual(['api']); // dead from +10 d
      t.clock.advance(86_400 - 1);
      await pulse('api', 30 * 86_400); // back a day later
      t.clock.advance(3 * 86_400);
      const figures = await uptime('api');
      expect(figures['24h']).toBe(1);
      expect(figures['7d']).toBeCloseTo(6 / 7, 4);
      expect(figures['30d']).toBeCloseTo(13 / 14, 4);
    });

    it('reads a service older than its history as in its present state since it was created', async () => {
      await pulse('api');
      await t.storage.query('delete from flips', []);
      await t.storage.query(`update heartbeats set created_at = $1`, [new Date(t.clock.now().getTime() - 2 * 86_400_000).toISOString()]);
      expect(await uptime('api')).toEqual({ '24h': 1, '7d': 1, '30d': 1 });
      expect((await history('api')).body.flips).toEqual([]);
    });
  });
});
