import { describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from './support/databases.js';
import { PASSWORD, useTestApp } from './support/test-app.js';

const pulse = (service: string, nextIn: number | string = 60) => ({
  service,
  alertType: 'log',
  alertTarget: 'ops',
  nextIn,
});

describe.each(DATABASE_KINDS)('heartbeats on %s', (kind) => {
  const t = useTestApp(kind);

  describe.each(['/heartbeat', '/'])('pulse at POST %s', (path) => {
    it('stores the heartbeat and answers it with its deadline', async () => {
      const response = await t.call('POST', path, pulse('backup', 90));
      expect(response.status).toBe(200);
      const now = t.clock.now().getTime() / 1000;
      // Every classic field, exactly; a configured service's fields may follow (clients ignore them).
      expect(await response.json()).toMatchObject({
        result: 200,
        action: 'pulse',
        heartBeat: {
          service: 'backup',
          alertType: 'log',
          alertTarget: 'ops',
          nextIn: 90,
          last: now,
          expected: now + 90,
          alerted: false,
          cancelled: false,
          status: 'alive',
          schedule: { kind: 'nextIn', nextIn: 90 },
          grace: 0,
        },
      });
      expect(await t.count('heartbeats')).toBe(1);
    });

    it('accepts an urlencoded form with numbers as strings', async () => {
      const response = await t.call('POST', path, 'service=nightly&alertType=log&alertTarget=ops&nextIn=2.5', {
        'content-type': 'application/x-www-form-urlencoded',
      });
      expect(response.status).toBe(200);
      const body = await response.json();
      expect(body.heartBeat.service).toBe('nightly');
      expect(body.heartBeat.nextIn).toBe(2.5);
    });
  });

  it('moves the deadline forward with each pulse and keeps one row per service', async () => {
    await t.call('POST', '/heartbeat', pulse('backup', 60));
    t.clock.advance(30);
    const response = await t.call('POST', '/heartbeat', pulse('backup', 120));
    const { heartBeat } = await response.json();
    const now = t.clock.now().getTime() / 1000;
    expect(heartBeat.last).toBe(now);
    expect(heartBeat.expected).toBe(now + 120);
    expect(heartBeat.nextIn).toBe(120);
    expect(await t.count('heartbeats')).toBe(1);
  });

  it('reports a service past its deadline as dead, and alive again after a pulse', async () => {
    await t.call('POST', '/heartbeat', pulse('backup', 60));
    t.clock.advance(60);
    let body = await (await t.call('GET', '/heartbeat/backup')).json();
    expect(body.heartBeat.status).toBe('alive');
    t.clock.advance(0.001);
    body = await (await t.call('GET', '/heartbeat/backup')).json();
    expect(body.heartBeat.status).toBe('dead');
    await t.call('POST', '/heartbeat', pulse('backup', 60));
    body = await (await t.call('GET', '/heartbeat/backup')).json();
    expect(body.heartBeat.status).toBe('alive');
  });

  describe.each(['/heartbeat', '/'])('cancel at DELETE %s', (path) => {
    it('marks the service cancelled, and a later pulse re-arms it', async () => {
      await t.call('POST', '/heartbeat', pulse('backup', 60));
      const response = await t.call('DELETE', path, { service: 'backup' });
      expect(response.status).toBe(200);
      const body = await response.json();
      expect(body).toMatchObject({ result: 200, action: 'cancel', heartBeat: { cancelled: true, status: 'cancelled' } });
      t.clock.advance(3600);
      expect((await (await t.call('GET', '/heartbeat/backup')).json()).heartBeat.status).toBe('cancelled');
      await t.call('POST', '/heartbeat', pulse('backup', 60));
      const again = (await (await t.call('GET', '/heartbeat/backup')).json()).heartBeat;
      expect(again).toMatchObject({ cancelled: false, status: 'alive' });
    });

    it('answers 200 with a null heartbeat for an unknown service, storing nothing', async () => {
      const response = await t.call('DELETE', path, { service: 'never-seen' });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ result: 200, action: 'cancel', heartBeat: null });
      expect(await t.count('heartbeats')).toBe(0);
    });

    it('accepts the service as a form field', async () => {
      await t.call('POST', '/heartbeat', pulse('backup', 60));
      const response = await t.call('DELETE', path, 'service=backup', {
        'content-type': 'application/x-www-form-urlencoded',
      });
      expect((await response.json()).heartBeat.cancelled).toBe(true);
    });
  });

  describe.each(['/heartbeats', '/'])('list at GET %s', (path) => {
    it('lists every heartbeat by service name with its status', async () => {
      await t.call('POST', '/heartbeat', pulse('b-short', 10));
      await t.call('POST', '/heartbeat', pulse('a-long', 1000));
      await t.call('POST', '/heartbeat', pulse('c-cancelled', 1000));
      await t.call('DELETE', '/heartbeat', { service: 'c-cancelled' });
      t.clock.advance(11);
      const response = await t.call('GET', path);
      expect(response.status).toBe(200);
      const body = await response.json();
      expect(body.result).toBe(200);
      expect(body.heartBeats.map((hb: { service: string; status: string }) => [hb.service, hb.status])).toEqual([
        ['a-long', 'alive'],
        ['b-short', 'dead'],
        ['c-cancelled', 'cancelled'],
      ]);
    });

    it('answers an empty list when nothing pulsed yet', async () => {
      expect(await (await t.call('GET', path)).json()).toEqual({ result: 200, heartBeats: [] });
    });
  });

  describe.each(['/heartbeat', '/get'])('get one at GET %s/:service', (prefix) => {
    it('answers the heartbeat of that service', async () => {
      await t.call('POST', '/heartbeat', pulse('backup', 60));
      await t.call('POST', '/heartbeat', pulse('other', 60));
      const body = await (await t.call('GET', `${prefix}/backup`)).json();
      expect(body).toMatchObject({ result: 200, heartBeat: { service: 'backup' } });
    });

    it('finds names with slashes, spaces and non-Latin letters when URL-encoded', async () => {
      const name = 'db/backup nightly – 東京 🚀';
      await t.call('POST', '/heartbeat', pulse(name, 60));
      const response = await t.call('GET', `${prefix}/${encodeURIComponent(name)}`);
      expect(response.status).toBe(200);
      expect((await response.json()).heartBeat.service).toBe(name);
    });

    it('answers 404 for an unknown service', async () => {
      const response = await t.call('GET', `${prefix}/nobody`);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ result: 404, code: 'NOT_FOUND', hint: expect.stringContaining('nobody') });
    });

    it('compares names exactly, case included', async () => {
      await t.call('POST', '/heartbeat', pulse('Backup', 60));
      expect((await t.call('GET', `${prefix}/backup`)).status).toBe(404);
    });
  });

  it('redirects a browser at / without credentials to the dashboard', async () => {
    const response = await t.app.request('/', { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(response.status).toBe(302);
    // Relative, so that a proxy's path prefix is kept: from / it leads to /gui/.
    expect(response.headers.get('location')).toBe('gui/');
  });

  it('lists heartbeats at / for a browser that sends credentials', async () => {
    const response = await t.app.request('/', { headers: { accept: 'text/html', password: PASSWORD } });
    expect(response.status).toBe(200);
    expect((await response.json()).heartBeats).toEqual([]);
  });
});
