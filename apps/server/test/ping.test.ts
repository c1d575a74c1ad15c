import { describe, expect, it } from 'vitest';
import { listRecentAlerts } from '../src/domain/outbox/delivery-queue.js';
import { DATABASE_KINDS } from './support/databases.js';
import { useTestApp } from './support/test-app.js';

describe.each(DATABASE_KINDS)('ping URLs on %s', (kind) => {
  const t = useTestApp(kind);
  const ctx = () => ({ db: t.storage, clock: t.clock });
  /** A ping as a tool sends it: no credentials, any body. */
  const ping = (path: string, init: RequestInit = {}) => t.app.request(path, init);
  const json = async (response: Response) => ({ status: response.status, body: await response.json() });
  const heartbeat = async (service: string) => (await json(await t.call('GET', `/heartbeat/${service}`))).body.heartBeat;
  const runs = async (service: string) => (await json(await t.call('GET', `/heartbeat/${service}/runs`))).body.runs;
  /** The path of a service's ping URL. */
  async function pingPath(service: string, settings: Record<string, unknown> = {}): Promise<string> {
    const { body } = await json(await t.call('PUT', `/heartbeat/${service}`, { period: '1d', grace: '1h', ...settings }));
    return new URL(body.heartBeat.pingUrl).pathname;
  }

  it('records a success for GET, HEAD and POST, answering OK as plain text', async () => {
    const path = await pingPath('backup');
    for (const method of ['GET', 'HEAD', 'POST']) {
      const response = await ping(path, { method });
      expect({ method, status: response.status }).toEqual({ method, status: 200 });
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      if (method !== 'HEAD') expect(await response.text()).toBe('OK');
    }
    expect(await heartbeat('backup')).toMatchObject({ status: 'alive', expected: t.clock.now().getTime() / 1000 + 86_400 + 3_600 });
  });

  it('starts, fails with an exit code, and logs, a POST body being the message', async () => {
    const path = await pingPath('backup');
    expect((await ping(`${path}/start?rid=r1`)).status).toBe(200);
    expect((await heartbeat('backup')).status).toBe('started');
    t.clock.advance(30);
    const failed = await ping(`${path}/3?rid=r1`, { method: 'POST', body: 'line 1\nerror: disk full\n' });
    expect(await failed.text()).toBe('OK');
    expect(await heartbeat('backup')).toMatchObject({ status: 'dead' });
    expect((await runs('backup'))[0]).toMatchObject({
      rid: 'r1',
      outcome: 'fail',
      exitCode: 3,
      duration: 30,
      message: 'line 1\nerror: disk full',
    });
    expect((await listRecentAlerts(ctx(), { limit: 5 }))[0]).toMatchObject({ kind: 'failed', service: 'backup' });
    expect((await ping(`${path}/log`, { method: 'POST', body: 'retrying' })).status).toBe(200);
    expect((await ping(`${path}/0`)).status).toBe(200);
    expect(await heartbeat('backup')).toMatchObject({ status: 'alive' });
    expect((await ping(`${path}/fail`)).status).toBe(200);
    expect((await runs('backup'))[0]).toMatchObject({ outcome: 'fail', exitCode: null });
  });

  it('keeps the end of a long body: the output ends with what went wrong', async () => {
    const path = await pingPath('backup');
    await ping(`${path}/fail`, { method: 'POST', body: `${'x'.repeat(20_000)}the real error` });
    const [run] = await runs('backup');
    expect([...run.message].length).toBe(10_000);
    expect(run.message.endsWith('the real error')).toBe(true);
  });

  it('answers 404 "not found" for an unknown token or suffix, and stores nothing', async () => {
    const path = await pingPath('backup');
    for (const bad of ['/ping/unknown-token-that-is-long-enough', `${path}/256`, `${path}/stop`, '/ping/x']) {
      const response = await ping(bad);
      expect({ bad, status: response.status, text: await response.text() }).toEqual({ bad, status: 404, text: 'not found' });
    }
    expect(await runs('backup')).toEqual([]);
    expect((await heartbeat('backup')).status).toBe('new');
  });

  it('refuses a log ping without a message', async () => {
    const path = await pingPath('backup');
    const response = await ping(`${path}/log`);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/needs a message/);
  });

  it("speaks Uptime Kuma's push form", async () => {
    const token = (await pingPath('kuma')).split('/').pop();
    const up = await ping(`/api/push/${token}?status=up&msg=OK&ping=12`);
    expect(await json(up)).toEqual({ status: 200, body: { ok: true } });
    expect((await heartbeat('kuma')).status).toBe('alive');
    const down = await ping(`/api/push/${token}?status=down&msg=${encodeURIComponent('disk full')}`);
    expect(down.status).toBe(200);
    expect(await heartbeat('kuma')).toMatchObject({ status: 'dead' });
    expect((await runs('kuma'))[0]).toMatchObject({ outcome: 'fail', message: 'disk full' });
    expect((await json(await ping('/api/push/not-a-known-token-at-all'))).status).toBe(404);
    const bad = await json(await ping(`/api/push/${token}?status=sideways`));
    expect(bad.status).toBe(400);
    expect(bad.body.msg).toMatch(/status must be up or down/);
  });

  describe('with a pulse key and the service name', () => {
    it('signals a known service, and makes an unknown one only when asked', async () => {
      await pingPath('backup');
      const { secret } = await t.createKey('pulse');
      expect(await (await ping(`/ping/${secret}/backup`)).text()).toBe('OK');
      expect((await ping(`/ping/${secret}/backup/start`)).status).toBe(200);
      expect((await ping(`/ping/${secret}/backup/7`, { method: 'POST', body: 'boom' })).status).toBe(200);
      expect((await runs('backup'))[0]).toMatchObject({ outcome: 'fail', exitCode: 7, message: 'boom' });
      const unknown = await ping(`/ping/${secret}/fresh-job`);
      expect({ status: unknown.status, text: await unknown.text() }).toEqual({ status: 404, text: 'not found' });
      expect((await ping(`/ping/${secret}/fresh-job?create=1`)).status).toBe(200);
      expect(await heartbeat('fresh-job')).toMatchObject({
        status: 'alive',
        schedule: { kind: 'period', period: 86_400 },
        grace: 3_600,
        alertType: 'log',
      });
    });

    it('refuses a read key with 403, and an unknown key as an unknown URL', async () => {
      await pingPath('backup');
      const { secret } = await t.createKey('read');
      const refused = await ping(`/ping/${secret}/backup`);
      expect({ status: refused.status, text: await refused.text() }).toEqual({
        status: 403,
        text: 'this key has scope read; a ping needs a pulse or admin key',
      });
      const unknown = await ping(`/ping/wt_${'x'.repeat(43)}/backup`);
      expect(unknown.status).toBe(404);
      expect((await heartbeat('backup')).status).toBe('new');
    });

    it('shows the ping URL to read and admin keys, not to a pulse key', async () => {
      await pingPath('backup');
      const pulseKey = (await t.createKey('pulse')).secret;
      const readKey = (await t.createKey('read')).secret;
      const started = await json(await t.call('POST', '/heartbeat/backup/start', {}, { password: pulseKey }));
      expect(started.status).toBe(200);
      expect(started.body.heartBeat).not.toHaveProperty('pingUrl');
      const read = await json(await t.call('GET', '/heartbeat/backup', undefined, { password: readKey }));
      expect(read.body.heartBeat.pingUrl).toMatch(/\/ping\//);
    });
  });

  it('gives every service its own token, and a new one to each new service', async () => {
    const a = await pingPath('a');
    const b = await pingPath('b');
    expect(a).not.toBe(b);
    // Replacing the settings keeps the URL that crontabs already hold.
    expect(await pingPath('a', { period: 60 })).toBe(a);
  });
});
