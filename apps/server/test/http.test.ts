import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { ConfigSchema } from '../src/config.js';
import { openStorage } from '../src/db/client.js';
import { systemClock } from '../src/lib/clock.js';
import { silentLogger } from '../src/lib/logger.js';
import { DATABASE_KINDS } from './support/databases.js';
import { PASSWORD, useTestApp } from './support/test-app.js';

const guiDir = mkdtempSync(join(tmpdir(), 'watchtower-gui-'));
writeFileSync(join(guiDir, 'index.html'), '<!doctype html><title>watchtower dashboard</title>');
mkdirSync(join(guiDir, 'assets'));
writeFileSync(join(guiDir, 'assets', 'index-3f9a1c.js'), 'console.log("dashboard")');

const pulse = { service: 'backup', alertType: 'log', alertTarget: 'ops', nextIn: 60 };

const apiCalls: Array<[string, string, unknown?]> = [
  ['POST', '/heartbeat', pulse],
  ['POST', '/', pulse],
  ['DELETE', '/heartbeat', { service: 'backup' }],
  ['DELETE', '/', { service: 'backup' }],
  ['GET', '/heartbeats'],
  ['GET', '/'],
  ['GET', '/heartbeat/backup'],
  ['GET', '/get/backup'],
  ['POST', '/event', { service: 'backup', message: 'x' }],
  ['POST', '/add-event', { service: 'backup', message: 'x' }],
  ['GET', '/events'],
  ['GET', '/list-events'],
];

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

  describe('public routes', () => {
    it('answers the health probe without credentials', async () => {
      const response = await t.app.request('/healthz');
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ result: 200, status: 'ok', failedAlerts24h: 0 });
    });

    it('serves the dashboard without credentials', async () => {
      const response = await t.app.request('/gui/');
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('watchtower dashboard');
      expect((await t.app.request('/gui')).headers.get('location')).toBe('/gui/');
    });

    it('serves the dashboard page for its own client-side routes', async () => {
      const response = await t.app.request('/gui/services/backup');
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('watchtower dashboard');
      expect(response.headers.get('cache-control')).toBe('no-cache');
    });

    it('caches hashed assets for good and the page not at all', async () => {
      const asset = await t.app.request('/gui/assets/index-3f9a1c.js');
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect((await t.app.request('/gui/')).headers.get('cache-control')).toBe('no-cache');
    });

    it('answers 404 for a missing asset instead of the page', async () => {
      expect((await t.app.request('/gui/assets/gone-123.js')).status).toBe(404);
    });
  });

  describe('errors', () => {
    it('answers an unknown route with a JSON 404', async () => {
      const response = await t.call('GET', '/nope');
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ result: 404, code: 'NOT_FOUND', hint: 'no route GET /nope' });
    });

    it('answers a known route with the wrong method with 405 and the allowed methods', async () => {
      const response = await t.call('PUT', '/heartbeat', pulse);
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST, DELETE');
      expect((await response.json()).code).toBe('METHOD_NOT_ALLOWED');
      expect(await t.count('heartbeats')).toBe(0);
    });

    it('gives every answer a request id, reusing a sane incoming one', async () => {
      const fresh = await t.call('GET', '/heartbeats');
      expect(fresh.headers.get('x-request-id')).toMatch(/^[\w-]{8,}$/);
      const reused = await t.call('GET', '/heartbeats', undefined, { 'x-request-id': 'abc-123' });
      expect(reused.headers.get('x-request-id')).toBe('abc-123');
      const refused = await t.call('GET', '/heartbeats', undefined, { 'x-request-id': 'bad id\u00e9' });
      expect(refused.headers.get('x-request-id')).not.toBe('bad id\u00e9');
    });

    it('reads JSON that curl labels as a form', async () => {
      const response = await t.call('POST', '/heartbeat', JSON.stringify(pulse), {
        'content-type': 'application/x-www-form-urlencoded',
      });
      expect(response.status).toBe(200);
      expect((await response.json()).heartBeat.service).toBe('backup');
    });

    it('reads a JSON body sent without a content type', async () => {
      const response = await t.call('POST', '/event', JSON.stringify({ service: 'a', message: 'b' }));
      expect(response.status).toBe(200);
    });
  });
});

describe('when the database is down', () => {
  async function appOnDeadDatabase(kind: (typeof DATABASE_KINDS)[number]) {
    const storage =
      kind === 'postgres'
        ? await openStorage({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1:1/none', maxConnections: 1 })
        : await openStorage({ kind: 'pglite', memory: true });
    if (kind === 'pglite') await storage.close();
    const config = { ...ConfigSchema.parse({}), password: PASSWORD };
    return createApp({ db: storage, clock: systemClock, config, log: silentLogger });
  }

  it('reports unavailable on the health probe (postgres unreachable)', async () => {
    const app = await appOnDeadDatabase('postgres');
    const response = await app.request('/healthz');
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await response.json()).toMatchObject({
      result: 503,
      status: 'unavailable',
      failing: [{ part: 'database', since: expect.any(Number), error: expect.any(String) }],
    });
  });

  it('reports unavailable on the health probe (embedded database closed)', async () => {
    const app = await appOnDeadDatabase('pglite');
    expect((await app.request('/healthz')).status).toBe(503);
  });

  it('answers a pulse with 503 and a hint that hides internals', async () => {
    const app = await appOnDeadDatabase('postgres');
    const response = await app.request('/heartbeat', {
      method: 'POST',
      headers: { password: PASSWORD, 'content-type': 'application/json' },
      body: JSON.stringify(pulse),
    });
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body).toMatchObject({ result: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(body.hint).toBe('the database is unavailable; nothing was stored, try again');
  });
});

describe('GET /dashboard-settings', () => {
  const t = useTestApp('pglite', {
    configure: (config) => {
      config.gui.eventsPresets = [{ name: 'Errors today', filters: { level: 'error', since: '1d' } }];
      config.alerts.pushover.token = 'app-token';
    },
  });

  it('answers the configured presets and the channels that can deliver', async () => {
    const response = await t.call('GET', '/dashboard-settings');
    expect(await response.json()).toEqual({
      result: 200,
      eventsPresets: [{ name: 'Errors today', filters: { level: 'error', since: '1d' } }],
      channels: ['pushover', 'slack', 'log'],
    });
  });

  it('requires credentials', async () => {
    expect((await t.app.request('/dashboard-settings')).status).toBe(401);
  });
});

describe('CORS', () => {
  const t = useTestApp('pglite', {
    configure: (config) => {
      config.server.corsOrigins = ['https://app.example.com'];
    },
  });

  it('answers a preflight from a configured origin without credentials', async () => {
    const response = await t.app.request('/heartbeat', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'password, content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(response.headers.get('access-control-allow-headers')).toContain('password');
  });

  it('names no origin for a page of another origin', async () => {
    const response = await t.call('GET', '/heartbeats', undefined, { origin: 'https://evil.example.com' });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets the configured origin read answers', async () => {
    const response = await t.call('GET', '/heartbeats', undefined, { origin: 'https://app.example.com' });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
  });
});
