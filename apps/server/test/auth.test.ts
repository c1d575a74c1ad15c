import { ROUTES } from '@watchtower/protocol';
import { describe, expect, it } from 'vitest';
import { createDashboardFolder } from './support/dashboard-folder.js';
import { DATABASE_KINDS } from './support/databases.js';
import { PASSWORD, useTestApp } from './support/test-app.js';

const guiDir = createDashboardFolder();

const pulse = { service: 'backup', alertType: 'log', alertTarget: 'ops', nextIn: 60 };

const bodies: Partial<Record<keyof typeof ROUTES, unknown>> = {
  pulse,
  cancel: { service: 'backup' },
  addEvent: { service: 'backup', message: 'x' },
};

// Every route that needs credentials (all but the health probe and the ping URLs, whose
// token is the secret), so that a new route is covered as soon as it is listed.
const apiCalls: Array<[string, string, unknown?]> = Object.entries(ROUTES)
  .filter(([, route]) => route.scope !== null)
  .flatMap(([name, route]) =>
    route.paths.map((path): [string, string, unknown?] => [
      route.method,
      path.replace(':service', 'backup'),
      bodies[name as keyof typeof ROUTES],
    ]),
  );

describe.each(DATABASE_KINDS)('HTTP behaviour on %s', (kind) => {
  const t = useTestApp(kind, { guiDir });

  describe('authentication', () => {
    it.each(apiCalls)('refuses %s %s without credentials, storing nothing', async (method, path, body) => {
      const response = await t.call(method, path, body, { password: '' });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({
        result: 401,
        code: 'UNAUTHORIZED',
        hint: expect.stringContaining('"password" header'),
      });
      expect(await t.count('heartbeats')).toBe(0);
      expect(await t.count('events')).toBe(0);
    });

    it.each(apiCalls)('refuses %s %s with a wrong password', async (method, path, body) => {
      const response = await t.call(method, path, body, { password: `${PASSWORD}x` });
      expect(response.status).toBe(401);
      expect((await response.json()).hint).toBe('the password is wrong');
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
});
