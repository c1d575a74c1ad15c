import { describe, expect, it } from 'vitest';
import { renderAlert } from '../src/channels/render-alert.js';
import { claimOverdueHeartbeats } from '../src/domain/heartbeats/claim-overdue-heartbeats.js';
import { claimLifecycleAlerts, nextDeadline } from '../src/domain/heartbeats/lifecycle-alerts.js';
import { listRecentAlerts } from '../src/domain/outbox/delivery-queue.js';
import { DATABASE_KINDS } from './support/databases.js';
import { useTestApp } from './support/test-app.js';

describe.each(DATABASE_KINDS)('the alert lifecycle on %s', (kind) => {
  const t = useTestApp(kind);
  const ctx = () => ({ db: t.storage, clock: t.clock });
  /** One sweep as the sweeper runs it: deaths first, then the notices. */
  const sweep = async () => {
    await claimOverdueHeartbeats(ctx());
    await claimLifecycleAlerts(ctx());
  };
  /** The alerts queued so far, oldest first (those of one instant by service), as [service, kind]. */
  const alerts = async () =>
    (await listRecentAlerts(ctx(), { limit: 100 }))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.service.localeCompare(b.service))
      .map((alert) => [alert.service, alert.kind]);
  const json = async (response: Response) => ({ status: response.status, body: await response.json() });
  const put = (service: string, settings: Record<string, unknown>) =>
    t.call('PUT', `/heartbeat/${service}`, { alertType: 'log', alertTarget: 'ops', ...settings });
  const pulse = (service: string) => t.call('POST', '/heartbeat', { service });
  const status = async (service: string) => (await json(await t.call('GET', `/heartbeat/${service}`))).body.heartBeat.status;
  const now = () => t.clock.now().getTime();

  describe('settings carried by a pulse', () => {
    const pulseWith = (service: string, extra: Record<string, unknown>) =>
      t.call('POST', '/heartbeat', { service, nextIn: 3600, alertType: 'log', alertTarget: 'ops', ...extra });
    const stored = async (service: string) => (await json(await t.call('GET', `/heartbeat/${service}`))).body.heartBeat;

    it('applies warnBefore, remindEvery and dependsOn as a PATCH would, and answers them', async () => {
      await pulseWith('db', {});
      const { status, body } = await json(await pulseWith('api', { warnBefore: '10m', remindEvery: 3600, dependsOn: ['db'] }));
      expect(status).toBe(200);
      expect(body.heartBeat).toMatchObject({ warnBefore: 600, remindEvery: 3600, dependsOn: ['db'], status: 'alive' });
      expect(await stored('api')).toMatchObject({ warnBefore: 600, remindEvery: 3600, dependsOn: ['db'] });
      // A pulse without them keeps them; null clears one; a form's empty field is no change.
      await pulse('api');
      expect(await stored('api')).toMatchObject({ warnBefore: 600, remindEvery: 3600 });
      await pulseWith('api', { warnBefore: null, dependsOn: null });
      expect(await stored('api')).toMatchObject({ warnBefore: null, remindEvery: 3600, dependsOn: [] });
      const form = await t.call('POST', '/heartbeat', 'service=api&nextIn=3600&alertType=log&alertTarget=ops&remindEvery=', {
        'content-type': 'application/x-www-form-urlencoded',
      });
      expect(form.status).toBe(200);
      expect(await stored('api')).toMatchObject({ remindEvery: 3600 });
    });

    it('sends the late notice that a pulse asked for', async () => {
      await pulseWith('backup', { nextIn: 3600, warnBefore: 600 });
      t.clock.advance(3000 + 1);
      await sweep();
      expect(await alerts()).toEqual([['backup', 'late']]);
    });

    it('refuses a parent that does not exist, or a cycle, and stores nothing of the pulse', async () => {
      const refused = await json(await pulseWith('orphan', { dependsOn: ['ghost'] }));
      expect(refused.status).toBe(400);
      expect(refused.body.hint).toMatch(/dependsOn names "ghost", which is no service here/);
      expect((await t.call('GET', '/heartbeat/orphan')).status).toBe(404);
      await pulseWith('a', {});
      await pulseWith('b', { dependsOn: ['a'] });
      const last = (await stored('a')).last;
      t.clock.advance(60);
      const cycle = await json(await pulseWith('a', { dependsOn: ['b'] }));
      expect(cycle.status).toBe(400);
      expect(cycle.body.hint).toMatch(/cycle/);
      expect(await stored('a')).toMatchObject({ last, dependsOn: [] });
    });

    it('refuses a bad value with the field named', async () => {
      const { status, body } = await json(await pulseWith('api', { remindEvery: 'often' }));
      expect(status).toBe(400);
      expect(body.hint).toMatch(/^remindEvery must be/);
    });
  });

  describe('warnBefore', () => {
    it('sends one "running late" notice that long before the deadline, and none when the pulse comes first', async () => {
      await put('backup', { period: '1h', warnBefore: '10m' });
      await pulse('backup');
      t.clock.advance(3000 - 0.001);
      await sweep();
      expect(await alerts()).toEqual([]);
      expect(await status('backup')).toBe('alive');
      t.clock.advance(0.001);
      await sweep();
      await sweep();
      expect(await alerts()).toEqual([['backup', 'late']]);
      expect(await status('backup')).toBe('late');
      const [late] = await listRecentAlerts(ctx(), { limit: 1 });
      expect(renderAlert(late!).title).toBe('watchtower: backup is running late');
      await pulse('backup');
      expect(await status('backup')).toBe('alive');
      t.clock.advance(2000);
      await pulse('backup'); // in time: no notice for this cycle
      t.clock.advance(2999);
      await sweep();
      expect(await alerts()).toEqual([['backup', 'late']]);
    });

    it('wakes the sweeper for the notice, not only for the deadline', async () => {
      await put('backup', { period: '1h', warnBefore: '10m' });
      await pulse('backup');
      expect((await nextDeadline(ctx()))?.getTime()).toBe(now() + 3000_000);
    });
  });

  describe('remindEvery', () => {
    it('reminds at each interval while the service stays dead, saying for how long and how often before', async () => {
      await put('db', { nextIn: 60, remindEvery: '5m' });
      await pulse('db');
      t.clock.advance(60.001);
      await sweep();
      expect(await alerts()).toEqual([['db', 'down']]);
      expect((await nextDeadline(ctx()))?.getTime()).toBe(now() + 300_000);
      t.clock.advance(300);
      await sweep();
      t.clock.advance(300);
      await sweep();
      expect(await alerts()).toEqual([
        ['db', 'down'],
        ['db', 'reminder'],
        ['db', 'reminder'],
      ]);
      const [second] = await listRecentAlerts(ctx(), { limit: 1 });
      expect(renderAlert(second!).text).toMatch(/has been down since .*: 10 min now\.\n1 reminder came before this one\./);
      t.clock.advance(1);
      await pulse('db');
      t.clock.advance(59); // alive again: no reminder is due
      await sweep();
      expect((await alerts()).map(([, alertKind]) => alertKind)).toEqual(['down', 'reminder', 'reminder', 'recovered']);
    });

    it('skips the reminders missed while no sweep ran, and sends none while paused', async () => {
      await put('db', { nextIn: 60, remindEvery: 300 });
      await pulse('db');
      t.clock.advance(60.001);
      await sweep();
      t.clock.advance(1000);
      await sweep();
      await sweep();
      const [reminder] = await listRecentAlerts(ctx(), { limit: 1 });
      expect(reminder).toMatchObject({ kind: 'reminder' });
      // The reminders missed while no sweep ran were not sent: this is the first.
      expect(renderAlert(reminder!).text).toMatch(/has been down since .*: 16 min 40 s now\.\nThis is the first reminder\./);
      await t.call('POST', '/heartbeat/db/pause');
      t.clock.advance(3600);
      await sweep();
      expect((await alerts()).filter(([, alertKind]) => alertKind === 'reminder')).toHaveLength(1);
    });
  });

  describe('snooze', () => {
    it('tells a death during the snooze when it ends, if the service is still dead', async () => {
      await put('web', { nextIn: 60 });
      await pulse('web');
      const snoozed = await json(await t.call('POST', '/heartbeat/web/snooze', { for: '1h' }));
      expect(snoozed.body.heartBeat.snoozedUntil).toBe(now() / 1000 + 3600);
      t.clock.advance(61);
      await sweep();
      expect(await status('web')).toBe('dead');
      expect(await alerts()).toEqual([]);
      expect((await nextDeadline(ctx()))?.getTime()).toBe(now() - 61_000 + 3600_000);
      t.clock.set(now() - 61_000 + 3600_000);
      await sweep();
      expect(await alerts()).toEqual([['web', 'down']]);
      expect((await json(await t.call('GET', '/heartbeat/web'))).body.heartBeat.snoozedUntil).toBeNull();
    });

    it('keeps the reminders of a death told at the end of a snooze to their rhythm', async () => {
      await put('web', { nextIn: 60, remindEvery: '5m' });
      await pulse('web');
      await t.call('POST', '/heartbeat/web/snooze', { for: '1h' });
      t.clock.advance(60.5); // dead 0.5 s after its deadline, in the snooze
      await sweep();
      t.clock.advance(3600 - 60.5); // the snooze ends: its death is told
      await sweep();
      await sweep();
      expect(await alerts()).toEqual([['web', 'down']]);
      t.clock.advance(240.5); // past the next 5-minute mark since its death (12 × 5 min after it)
      await sweep();
      expect(await alerts()).toEqual([
        ['web', 'down'],
        ['web', 'reminder'],
      ]);
    });

    it('says nothing of a death and recovery that both fall in the snooze', async () => {
      await put('web', { nextIn: 60 });
      await pulse('web');
      await t.call('POST', '/heartbeat/web/snooze', { for: 3600 });
      t.clock.advance(61);
      await sweep();
      await pulse('web');
      t.clock.advance(3529);
      await pulse('web');
      t.clock.advance(20); // the snooze is over, and the service alive
      await sweep();
      expect(await alerts()).toEqual([]);
    });

    it('does not alert again a service that was dead before the snooze and still is after it', async () => {
      await put('web', { nextIn: 60 });
      await pulse('web');
      t.clock.advance(61);
      await sweep();
      await t.call('POST', '/heartbeat/web/snooze', { for: 600 });
      t.clock.advance(601);
      await sweep();
      expect(await alerts()).toEqual([['web', 'down']]);
    });

    it('ends at once when deleted, and snoozes every service of a tag', async () => {
      await put('a', { nextIn: 60, tags: ['edge'] });
      await put('b', { nextIn: 60, tags: ['edge'] });
      await put('c', { nextIn: 60 });
      for (const service of ['a', 'b', 'c']) await pulse(service);
      const many = await json(await t.call('POST', '/snooze', { tag: 'edge', for: '2h' }));
      expect(many.body).toEqual({ result: 200, services: ['a', 'b'], snoozedUntil: now() / 1000 + 7200 });
      t.clock.advance(61);
      await sweep();
      expect(await alerts()).toEqual([['c', 'down']]);
      expect((await json(await t.call('DELETE', '/heartbeat/a/snooze'))).body.heartBeat.snoozedUntil).toBeNull();
      await sweep();
      expect(await alerts()).toEqual([
        ['a', 'down'],
        ['c', 'down'],
      ]);
    });

    it('refuses a snooze without an end, with both, or with one in the past', async () => {
      await put('web', { nextIn: 60 });
      for (const [body, hint] of [
        [{}, /give one of until .* or for/],
        [{ for: '1h', until: now() / 1000 + 60 }, /give one of until/],
        [{ until: '2020-01-01T00:00:00Z' }, /until must be in the future/],
        [{ for: 'soon' }, /for must be/],
      ] as const) {
        const response = await json(await t.call('POST', '/heartbeat/web/snooze', body));
        expect({ body, status: response.status }).toEqual({ body, status: 400 });
        expect(response.body.hint).toMatch(hint);
      }
      expect((await json(await t.call('POST', '/heartbeat/ghost/snooze', { for: 60 }))).status).toBe(404);
    });
  });

  describe('dependsOn', () => {
    it("holds a child's death while its parent is dead, and tells it when the parent recovers", async () => {
      await put('db', { nextIn: 60 });
      await put('api', { nextIn: 60, dependsOn: ['db'] });
      await put('web', { nextIn: 60, dependsOn: ['db'] });
      for (const service of ['db', 'api', 'web']) await pulse(service);
      t.clock.advance(61);
      await sweep();
      expect(await alerts()).toEqual([['db', 'down']]);
      const events = (await json(await t.call('GET', '/events?service=db'))).body.events;
      expect(events.map((event: { message: string }) => event.message)).toContainEqual(
        '2 service(s) that depend on db died while it is down: api, web. Their alerts wait for db to recover, and go out then for those still down.',
      );
      t.clock.advance(1);
      await pulse('web'); // back before its parent: never alerted, so no recovery either
      await pulse('db');
      await sweep();
      expect(await alerts()).toEqual([
        ['db', 'down'],
        ['api', 'down'],
        ['db', 'recovered'],
      ]);
    });

    it('refuses a cycle and an unknown parent with a clear hint', async () => {
      await put('a', { nextIn: 60 });
      await put('b', { nextIn: 60, dependsOn: ['a'] });
      const cycle = await json(await t.call('PATCH', '/heartbeat/a', { dependsOn: ['b'] }));
      expect(cycle.status).toBe(400);
      expect(cycle.body.hint).toMatch(/dependsOn would make a cycle: a would depend on itself/);
      const self = await json(await t.call('PATCH', '/heartbeat/a', { dependsOn: ['a'] }));
      expect(self.body.hint).toMatch(/cycle/);
      const unknown = await json(await put('c', { nextIn: 60, dependsOn: ['nowhere'] }));
      expect(unknown.status).toBe(400);
      expect(unknown.body.hint).toMatch(/dependsOn names "nowhere", which is no service here/);
    });
  });
});
