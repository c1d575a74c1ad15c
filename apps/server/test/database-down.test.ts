import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { ConfigSchema } from '../src/config.js';
import { openStorage } from '../src/db/client.js';
import { systemClock } from '../src/lib/clock.js';
import { silentLogger } from '../src/lib/logger.js';
import type { DATABASE_KINDS } from './support/databases.js';
import { PASSWORD } from './support/test-app.js';

const pulse = { service: 'backup', alertType: 'log', alertTarget: 'ops', nextIn: 60 };

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
