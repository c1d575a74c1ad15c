import { describe, expect, it } from 'vitest';
import { createDashboardFolder } from './support/dashboard-folder.js';
import { DATABASE_KINDS } from './support/databases.js';
import { useTestApp } from './support/test-app.js';

const guiDir = createDashboardFolder();

const pulse = { service: 'backup', alertType: 'log', alertTarget: 'ops', nextIn: 60 };

describe.each(DATABASE_KINDS)('HTTP behaviour on %s', (kind) => {
  const t = useTestApp(kind, { guiDir });

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
