import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { serve } from '@hono/node-server';
import { temporaryFolder } from '@watchtower/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuthThrottle } from '../src/http/auth-throttle.js';
import { guiBaseHref } from '../src/routes/gui.js';
import { findSdkFiles } from '../src/routes/sdk.js';
import { createDashboardFolder } from './support/dashboard-folder.js';
import { PASSWORD, useTestApp, type TestApp } from './support/test-app.js';

const sdk = findSdkFiles();
const run = promisify(execFile);

/** The app on a real socket on loopback, so that requests have a client address. */
async function listen(t: TestApp): Promise<{ url: string; close: () => Promise<void> }> {
  const server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

describe('the SDKs, served', () => {
  const t = useTestApp('pglite', { sdk });

  it('finds the built SDK files of the installed packages', () => {
    expect(sdk.browser?.file).toMatch(/watchtower\.min\.js$/);
    expect(sdk.cli?.file).toMatch(/cli\.js$/);
  });

  it('serves the browser bundle as JavaScript anyone may cache, with an ETag', async () => {
    const response = await t.app.request('/sdk/watchtower.min.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(await response.text()).toContain('Watchtower');
    const etag = response.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);
    const again = await t.app.request('/sdk/watchtower.min.js', { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
  });

  it('serves each file under its version for good, and refuses another version', async () => {
    const version = `v${sdk.browser!.version}`;
    const pinned = await t.app.request(`/sdk/${version}/watchtower.min.js`);
    expect(pinned.status).toBe(200);
    expect(pinned.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const other = await t.app.request('/sdk/v0.0.0-old/watchtower.min.js');
    expect(other.status).toBe(404);
    expect(((await other.json()) as { hint: string }).hint).toContain(version);
  });

  it('sends the files gzipped to a client that takes gzip', async () => {
    const response = await t.app.request('/sdk/watchtower-cli.mjs', { headers: { 'accept-encoding': 'gzip' } });
    expect(response.headers.get('content-encoding')).toBe('gzip');
    const text = gunzipSync(Buffer.from(await response.arrayBuffer())).toString('utf8');
    expect(text.startsWith('#!/usr/bin/env node')).toBe(true);
  });

  it('serves a CLI that runs with node alone, wherever it is saved', async () => {
    const response = await t.app.request('/sdk/watchtower-cli.mjs');
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const file = join(temporaryFolder('watchtower-cli-'), 'watchtower-cli.mjs');
    writeFileSync(file, Buffer.from(await response.arrayBuffer()));
    const { stdout } = await run(process.execPath, [file, '--version'], { cwd: temporaryFolder('watchtower-cwd-') });
    expect(stdout.trim()).toContain(sdk.cli!.version);
  });
});

describe('security headers', () => {
  const t = useTestApp('pglite', { guiDir: createDashboardFolder(), sdk });

  it('gives the dashboard a policy that allows its own files only', async () => {
    const response = await t.app.request('/gui/');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('lets the API reference style its elements inline, and nothing else', async () => {
    const csp = (await t.app.request('/docs')).headers.get('content-security-policy') ?? '';
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("script-src 'self'");
  });

  it('lets API answers load and run nothing', async () => {
    const response = await t.call('GET', '/heartbeats');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(response.headers.get('cross-origin-resource-policy')).toBe('same-origin');
  });

  it('answers 401 with WWW-Authenticate', async () => {
    const missing = await t.app.request('/heartbeats');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="watchtower"');
    const wrong = await t.call('GET', '/heartbeats', undefined, { password: 'not-the-password' });
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="watchtower"');
  });

  it('revalidates dashboard files by ETag and compresses them', async () => {
    const first = await t.app.request('/gui/assets/index-3f9a1c.js');
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await t.app.request('/gui/assets/index-3f9a1c.js', { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    const big = await t.app.request('/gui/big.js', { headers: { 'accept-encoding': 'gzip' } });
    expect(big.status).toBe(200);
    expect(big.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await big.arrayBuffer())).toString()).toBe('x'.repeat(5000));
  });

  it('leads each dashboard page back to /gui/ relatively, whatever the prefix before it', async () => {
    expect(guiBaseHref('/gui/')).toBe('./');
    expect(guiBaseHref('/gui/events')).toBe('./');
    expect(guiBaseHref('/gui/services/db%2Fprimary')).toBe('../');
    expect(guiBaseHref('/gui/services/backup/edit')).toBe('../../');
  });
});

describe('failed authentication, throttled per client address', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  describe('from the socket', () => {
    const t = useTestApp('pglite', { configure: (config) => (config.server.authFailureLimit = 3) });

    it('answers 429 with Retry-After after the limit, even to the right password, until a minute has passed', async () => {
      const server = await listen(t);
      close = server.close;
      const get = (password: string, headers: Record<string, string> = {}) =>
        fetch(`${server.url}/heartbeats`, { headers: { password, ...headers } });
      // Successes never count.
      for (let i = 0; i < 5; i++) expect((await get(PASSWORD)).status).toBe(200);
      for (let i = 0; i < 3; i++) expect((await get('wrong-password')).status).toBe(401);
      const refused = await get(PASSWORD);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await refused.json()) as { code: string }).code).toBe('TOO_MANY_REQUESTS');
      // Without trustProxy, X-Forwarded-For is the client's own word: ignored.
      expect((await get(PASSWORD, { 'x-forwarded-for': '203.0.113.9' })).status).toBe(429);
      // Public routes ask no credentials and are not refused.
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      t.clock.advance(61);
      expect((await get(PASSWORD)).status).toBe(200);
    });
  });

  describe('behind a trusted proxy', () => {
    const t = useTestApp('pglite', {
      configure: (config) => {
        config.server.authFailureLimit = 2;
        config.server.trustProxy = true;
      },
    });

    it('counts the address the proxy added to X-Forwarded-For', async () => {
      const server = await listen(t);
      close = server.close;
      const get = (password: string, forwardedFor: string) =>
        fetch(`${server.url}/heartbeats`, { headers: { password, 'x-forwarded-for': forwardedFor } });
      // What the client wrote before the proxy's hop changes nothing.
      expect((await get('wrong', '1.1.1.1, 198.51.100.7')).status).toBe(401);
      expect((await get('wrong', '2.2.2.2, 198.51.100.7')).status).toBe(401);
      expect((await get(PASSWORD, '198.51.100.7')).status).toBe(429);
      expect((await get(PASSWORD, '198.51.100.8')).status).toBe(200);
    });
  });

  it('remembers a bounded number of addresses', () => {
    const throttle = createAuthThrottle({ limit: 2, maxAddresses: 100 });
    for (let i = 0; i < 1000; i++) throttle.noteFailure(`10.0.${i >> 8}.${i & 255}`, 0);
    expect(throttle.size()).toBe(100);
  });
});
