import { describe, expect, it } from 'vitest';
import { KEY_SCOPES, ROUTES } from './index.js';

const entries = Object.entries(ROUTES);

describe('ROUTES', () => {
  it('gives every call a scope, or null for a public one', () => {
    for (const [, route] of entries) expect([...KEY_SCOPES, null]).toContain(route.scope);
  });

  it('needs read for every GET that takes credentials', () => {
    const gets = entries.filter(([, route]) => route.method === 'GET' && route.scope !== null);
    expect(gets.map(([, route]) => route.scope)).toEqual(gets.map(() => 'read'));
  });

  it('needs pulse for signals and events, and admin for configuration', () => {
    const byScope = (scope: string) => entries.filter(([, route]) => route.scope === scope).map(([name]) => name);
    expect(byScope('pulse')).toEqual(['pulse', 'cancel', 'startRun', 'failRun', 'logMessage', 'addEvent', 'addEvents']);
    expect(byScope('admin')).toEqual([
      'putService',
      'patchService',
      'deleteService',
      'pauseService',
      'resumeService',
      'snoozeService',
      'unsnoozeService',
      'snoozeMany',
      'createKey',
      'deleteKey',
      'putChannel',
      'deleteChannel',
      'testChannel',
    ]);
  });

  it('leaves public only the ping URLs, the push URL, the badges, the health probe, the API reference and the SDK files', () => {
    const open = entries.filter(([, route]) => route.scope === null);
    expect(open.map(([name]) => name)).toEqual([
      'ping',
      'pingWithBody',
      'push',
      'serviceBadge',
      'serviceBadgeJson',
      'tagBadge',
      'tagBadgeJson',
      'health',
      'openapi',
      'docs',
      'sdkBrowser',
      'sdkCli',
    ]);
    const unkeyed = ['/healthz', '/openapi.json', '/docs'];
    const sdk = (path: string) => /^\/sdk\/(:version\/)?watchtower(\.min\.js|-cli\.mjs)$/.test(path);
    const paths = open.flatMap(([, route]) => route.paths).filter((path) => !unkeyed.includes(path) && !sdk(path));
    for (const path of paths) expect(path).toMatch(/^\/(ping|api\/push|badge)\/:(token|key|badgeKey)(\/|$)/);
  });

  it('serves every ping signal by token and by key and name, on GET and POST', () => {
    expect(ROUTES.ping.paths).toEqual(ROUTES.pingWithBody.paths);
    for (const suffix of ['', '/start', '/fail', '/log', '/:exitCode']) {
      expect(ROUTES.ping.paths).toContain(`/ping/:token${suffix}`);
      expect(ROUTES.ping.paths).toContain(`/ping/:key/:slug${suffix}`);
    }
  });

  it('never serves one method and path for two calls', () => {
    const pairs = entries.flatMap(([, route]) => route.paths.map((path) => `${route.method} ${path}`));
    expect(new Set(pairs).size).toBe(pairs.length);
  });
});
