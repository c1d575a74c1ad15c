import postgres from 'postgres';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { ConfigSchema } from '../src/config.js';
import type { Storage } from '../src/db/client.js';
import { createOutageTracker, type OutageTracker } from '../src/db/outage.js';
import { systemClock } from '../src/lib/clock.js';
import { silentLogger } from '../src/lib/logger.js';
import { createTestStorage } from './support/databases.js';
import { PASSWORD } from './support/test-app.js';

// A write waits a bounded time for the database, is answered 503 past it, and is never
// applied afterwards: the database itself refuses a statement that runs past its deadline.
describe('writes that wait on the database (PostgreSQL)', () => {
  let storage: Storage & { url?: string };
  let other: postgres.Sql;
  let app: ReturnType<typeof createApp>;
  let outage: OutageTracker;

  beforeAll(async () => {
    storage = await createTestStorage('postgres');
    other = postgres(storage.url!, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await other.end();
    await storage.close();
  });
  beforeEach(async () => {
    await other`truncate heartbeats, events, alerts`;
    outage = createOutageTracker();
    app = createApp({
      db: storage,
      clock: systemClock,
      config: { ...ConfigSchema.parse({}), password: PASSWORD },
      log: silentLogger,
      outage,
    });
  });

  const post = (path: string, body: unknown) =>
    app.request(path, { method: 'POST', headers: { password: PASSWORD, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const pulse = { service: 'steady', alertType: 'log', alertTarget: 'ops', nextIn: 3 };

  /** Holds an exclusive lock on `table` for `ms` from another session, as a stuck database would. */
  function blockTable(table: string, ms: number): Promise<void> {
    let locked!: () => void;
    const taken = new Promise<void>((done) => (locked = done));
    const held = other.begin(async (tx) => {
      await tx.unsafe(`lock table ${table} in access exclusive mode`);
      locked();
      await new Promise((done) => setTimeout(done, ms));
    });
    return taken.then(() => void held.catch(() => undefined)).then(() => undefined);
  }

  it('answers a pulse 503 with Retry-After within a few seconds, and never applies it once the database frees up', async () => {
    await blockTable('heartbeats', 7_000);
    const sent = Date.now();
    const response = await post('/heartbeat', pulse);
    const waited = Date.now() - sent;
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await response.json()).hint).toMatch(/did not answer in time; nothing was stored/);
    expect(waited).toBeGreaterThanOrEqual(3_500);
    expect(waited).toBeLessThan(6_500);
    // The outage dates from when the refused pulse arrived: a pulse lost then gets grace.
    expect(outage.since()!.getTime()).toBeGreaterThanOrEqual(sent - 50);
    expect(outage.since()!.getTime()).toBeLessThanOrEqual(sent + 500);
    // The lock goes; the statement that waited for it runs now, past its deadline.
    await new Promise((done) => setTimeout(done, 7_000 - waited + 1_000));
    expect(await other`select service from heartbeats`).toEqual([]);
  });

  it('answers an event 503 in time and never stores it later', async () => {
    await blockTable('events', 7_000);
    const response = await post('/event', { service: 'svc', message: 'late' });
    expect(response.status).toBe(503);
    await new Promise((done) => setTimeout(done, 4_000));
    expect(await other`select message from events`).toEqual([]);
  });

  it('stamps a pulse that waited with the time it was written, so its deadline does not start behind it', async () => {
    await blockTable('heartbeats', 2_000);
    const sent = Date.now();
    const response = await post('/heartbeat', pulse);
    expect(response.status).toBe(200);
    const { heartBeat } = await response.json();
    expect(heartBeat.last * 1000).toBeGreaterThanOrEqual(sent + 1_800);
    expect(heartBeat.expected - heartBeat.last).toBeCloseTo(3, 3);
    expect(heartBeat.status).toBe('alive');
  });
});
