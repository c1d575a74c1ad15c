import { coversScope, KEY_SCOPES, ROUTES, type KeyScope } from '@watchtower/protocol';
import { describe, expect, it } from 'vitest';
import { createDashboardFolder } from './support/dashboard-folder.js';
import { DATABASE_KINDS } from './support/databases.js';
import { PASSWORD, useTestApp, type TestApp } from './support/test-app.js';

const guiDir = createDashboardFolder();

const pulse = { service: 'backup', alertType: 'log', alertTarget: 'ops', nextIn: 60 };

const bodies: Partial<Record<keyof typeof ROUTES, unknown>> = {
  pulse,
  cancel: { service: 'backup' },
  addEvent: { service: 'backup', message: 'x' },
  addEvents: { events: [{ service: 'backup', message: 'x' }] },
  createKey: { name: 'made in a test', scope: 'read' },
};

const PARAMS: Record<string, string> = { service: 'backup', id: 'key_000000000000', exitCode: '0' };

type Call = [method: string, path: string, body: unknown, needed: KeyScope | null, label: string];

// Every call of ROUTES, so that a new route is covered as soon as it is listed.
const calls: Call[] = Object.entries(ROUTES).flatMap(([name, route]) =>
  route.paths.map(
    (path): Call => [
      route.method,
      // A badge's name carries its format: `:service{[^/]+\.svg}` is `backup.svg`.
      path.replace(
        /:(\w+)(?:\{[^}]*\\\.(\w+)\})?/g,
        (_, param: string, format?: string) => `${PARAMS[param] ?? `some-${param}`}${format ? `.${format}` : ''}`,
      ),
      bodies[name as keyof typeof ROUTES],
      route.scope,
      `${route.method} ${path}`,
    ],
  ),
);
const protectedCalls = calls.filter(([, , , needed]) => needed !== null);
const publicCalls = calls.filter(([, , , needed]) => needed === null);

// Each credential with the scope it holds; the password is an admin key.
const CREDENTIALS = [...KEY_SCOPES.map((scope) => [`a ${scope} key`, scope] as const), ['the password', 'admin'] as const];

// Routes being built elsewhere may answer 404 or 405: what is asserted is only whether auth let the call through.
const scopeCases = CREDENTIALS.flatMap(([credential, held]) =>
  protectedCalls.map(([method, path, body, needed, label]) => {
    const allowed = coversScope(held, needed!);
    return [
      credential,
      method,
      path,
      allowed ? 'let through' : 'refused with 403',
      { body, held, needed: needed!, label, allowed },
    ] as const;
  }),
);

async function secretOf(t: TestApp, credential: string, held: KeyScope): Promise<string> {
  return credential === 'the password' ? PASSWORD : (await t.createKey(held)).secret;
}

/** Reads or drops the body: GET /stream would run until its reader leaves. */
async function finish(response: Response): Promise<unknown> {
  if (response.headers.get('content-type')?.startsWith('application/json')) return response.json();
  await response.body?.cancel();
  return undefined;
}

describe.each(DATABASE_KINDS)('HTTP behaviour on %s', (kind) => {
  const t = useTestApp(kind, { guiDir });

  describe('authentication', () => {
    it.each(protectedCalls)('refuses %s %s without credentials, storing nothing', async (method, path, body) => {
      const response = await t.call(method, path, body, { password: '' });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({
        result: 401,
        code: 'UNAUTHORIZED',
        hint: expect.stringContaining('"password" header'),
      });
      expect(await t.count('heartbeats')).toBe(0);
      expect(await t.count('events')).toBe(0);
      expect(await t.count('api_keys')).toBe(0);
    });

    it.each(protectedCalls)('refuses %s %s with a wrong password', async (method, path, body) => {
      const response = await t.call(method, path, body, { password: `${PASSWORD}x` });
      expect(response.status).toBe(401);
      expect((await response.json()).hint).toBe('the password is wrong');
    });

    it.each(publicCalls)('asks no credentials of %s %s', async (method, path, body) => {
      const response = await t.call(method, path, body, { password: '' });
      expect([401, 403]).not.toContain(response.status);
      await finish(response);
    });

    it('asks valid credentials of a path that is no route, then answers 404', async () => {
      expect((await t.call('GET', '/no-such-route', undefined, { password: '' })).status).toBe(401);
      const { secret } = await t.createKey('pulse');
      expect((await t.call('GET', '/no-such-route', undefined, { password: secret })).status).toBe(404);
    });

    it('refuses a password that differs only in case or by a prefix', async () => {
      for (const wrong of [PASSWORD.toUpperCase(), PASSWORD.slice(0, -1), `${PASSWORD}0`]) {
        expect((await t.call('GET', '/heartbeats', undefined, { password: wrong })).status).toBe(401);
      }
    });

    it('accepts the password as a Bearer token', async () => {
      const response = await t.app.request('/heartbeats', { headers: { authorization: `Bearer ${PASSWORD}` } });
      expect(response.status).toBe(200);
    });

    it('refuses a wrong Bearer token', async () => {
      const response = await t.app.request('/heartbeats', { headers: { authorization: 'Bearer nope' } });
      expect(response.status).toBe(401);
    });
  });

  describe('key scopes', () => {
    it.each(scopeCases)('with %s, %s %s is %s', async (credential, method, path, _outcome, { body, held, needed, label, allowed }) => {
      const secret = await secretOf(t, credential, held);
      const response = await t.call(method, path, body, { password: secret });
      const answer = await finish(response);
      if (allowed) {
        expect([401, 403]).not.toContain(response.status);
        return;
      }
      expect(response.status).toBe(403);
      expect(answer).toMatchObject({ result: 403, code: 'FORBIDDEN' });
      const { hint } = answer as { hint: string };
      expect(hint).toMatch(new RegExp(`^this key has scope ${held}; ${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} needs an? `));
      expect(hint).toMatch(new RegExp(`\\b${needed}\\b.* key$`));
    });

    it('refuses a pulse key that reads events, naming the scopes', async () => {
      const { secret } = await t.createKey('pulse');
      const response = await t.call('GET', '/events', undefined, { password: secret });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({
        result: 403,
        code: 'FORBIDDEN',
        hint: 'this key has scope pulse; GET /events needs a read or admin key',
      });
    });

    it('refuses a read key that pulses, and stores nothing', async () => {
      const { secret } = await t.createKey('read');
      const response = await t.call('POST', '/heartbeat', pulse, { password: secret });
      expect(response.status).toBe(403);
      expect((await response.json()).hint).toBe('this key has scope read; POST /heartbeat needs a pulse or admin key');
      expect(await t.count('heartbeats')).toBe(0);
    });

    it('lets a pulse key pulse and add events, and a read key read them', async () => {
      const pulser = await t.createKey('pulse');
      const reader = await t.createKey('read');
      expect((await t.call('POST', '/heartbeat', pulse, { password: pulser.secret })).status).toBe(200);
      expect((await t.call('POST', '/event', { service: 'backup', message: 'done' }, { password: pulser.secret })).status).toBe(200);
      const events = await t.call('GET', '/events', undefined, { password: reader.secret });
      expect((await events.json()).events).toMatchObject([{ service: 'backup', message: 'done' }]);
      const beat = await t.call('GET', '/heartbeat/backup', undefined, { password: reader.secret });
      expect((await beat.json()).heartBeat).toMatchObject({ service: 'backup', status: 'alive' });
    });

    it('lets only an admin key create keys', async () => {
      for (const scope of ['pulse', 'read'] as const) {
        const { secret } = await t.createKey(scope);
        const response = await t.call('POST', '/keys', { name: 'escalation', scope: 'admin' }, { password: secret });
        expect(response.status).toBe(403);
        expect((await response.json()).hint).toBe(`this key has scope ${scope}; POST /keys needs an admin key`);
      }
      const admin = await t.createKey('admin');
      expect((await t.call('POST', '/keys', { name: 'made by a key', scope: 'pulse' }, { password: admin.secret })).status).toBe(200);
    });

    it('judges HEAD as the GET it is answered as', async () => {
      const { secret } = await t.createKey('pulse');
      expect((await t.call('HEAD', '/events', undefined, { password: secret })).status).toBe(403);
    });

    it('takes a key as a Bearer token', async () => {
      const { secret } = await t.createKey('read');
      const response = await t.app.request('/heartbeats', { headers: { authorization: `Bearer ${secret}` } });
      expect(response.status).toBe(200);
    });

    it('refuses a revoked key at once, with the hint of a wrong password', async () => {
      const { secret, id } = await t.createKey('admin');
      expect((await t.call('GET', '/keys', undefined, { password: secret })).status).toBe(200);
      expect((await t.call('DELETE', `/keys/${id}`)).status).toBe(200);
      const response = await t.call('GET', '/keys', undefined, { password: secret });
      expect(response.status).toBe(401);
      expect((await response.json()).hint).toBe('the password is wrong');
    });

    it('refuses a secret that is a key secret but for one character', async () => {
      const { secret } = await t.createKey('admin');
      const altered = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A');
      expect((await t.call('GET', '/keys', undefined, { password: altered })).status).toBe(401);
    });
  });
});
