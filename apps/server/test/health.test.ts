import postgres from 'postgres';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '@watchtower/test-support';
import { createApp } from '../src/app.js';
import { createChannelRegistry } from '../src/channels/registry.js';
import { ConfigSchema } from '../src/config.js';
import { openStorage, type Storage } from '../src/db/client.js';
import { createOutageTracker, watchOutages } from '../src/db/outage.js';
import { createDatabaseCheck } from '../src/jobs/database-check.js';
import { startLoop, type Loop } from '../src/jobs/loop.js';
import { createSendStep } from '../src/jobs/sender.js';
import { createSweepStep } from '../src/jobs/sweeper.js';
import { createLocalChangeFeed } from '../src/feed/change-feed.js';
import { ManualClock, systemClock } from '../src/lib/clock.js';
import { silentLogger } from '../src/lib/logger.js';
import { PASSWORD } from './support/test-app.js';

const config = () => ({ ...ConfigSchema.parse({}), password: PASSWORD });

describe('the health probe and failing loops', () => {
  it('answers 503 naming a loop once it has failed for three of its poll periods', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
    const storage = await openStorage({ kind: 'pglite', memory: true });
    await storage.migrate();
    let fail = true;
    const loop = startLoop(
      'sweeper',
      async () => {
        if (fail) throw Object.assign(new Error('could not extend file "base/16384/2619": No space left on device'), { code: '53100' });
        return { didWork: false };
      },
      { pollMs: 1_000, clock, log: silentLogger },
    );
    try {
      const app = createApp({ db: storage, clock, config: config(), log: silentLogger, loops: [loop] });
      await expect.poll(() => loop.health().failingSince).not.toBeNull();
      clock.advance(2.9);
      expect((await app.request('/healthz')).status).toBe(200);
      clock.advance(0.1);
      const response = await app.request('/healthz');
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
      const body = await response.json();
      expect(body).toMatchObject({
        result: 503,
        status: 'unavailable',
        failing: [{ part: 'sweeper', since: Date.UTC(2026, 0, 1, 12) / 1000, error: 'the database disk is full' }],
      });
      expect(body.hint).toContain('sweeper failing since 2026-01-01T12:00:00Z: the database disk is full');
      // Public: no path, host or SQL of the error itself.
      expect(JSON.stringify(body)).not.toContain('base/16384');

      fail = false;
      loop.wake();
      await expect.poll(async () => (await app.request('/healthz')).status).toBe(200);
    } finally {
      await loop.stop();
      await storage.close();
    }
  });

  it('answers 503 for a loop whose step hangs', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
    const storage = await openStorage({ kind: 'pglite', memory: true });
    await storage.migrate();
    let release: () => void = () => {};
    const loop = startLoop('sender', () => new Promise((done) => (release = () => done({ didWork: false }))), {
      pollMs: 1_000,
      clock,
      log: silentLogger,
    });
    try {
      const app = createApp({ db: storage, clock, config: config(), log: silentLogger, loops: [loop] });
      expect((await app.request('/healthz')).status).toBe(200);
      clock.advance(60);
      const response = await app.request('/healthz');
      expect(response.status).toBe(503);
      expect((await response.json()).failing).toEqual([
        expect.objectContaining({ part: 'sender', error: 'no step has finished since then' }),
      ]);
    } finally {
      release();
      await loop.stop();
      await storage.close();
    }
  });
});

describe('the health probe and the database', () => {
  it('answers 200 probes from one check of the database: a probe does no database work of its own', async () => {
    const storage = await openStorage({ kind: 'pglite', memory: true });
    await storage.migrate();
    let statements = 0;
    const counted: Storage = {
      ...storage,
      kind: storage.kind,
      ping: (timeoutMs) => {
        statements += 1;
        return storage.ping(timeoutMs);
      },
      query: (text, params, options) => {
        statements += 1;
        return storage.query(text, params, options);
      },
    };
    try {
      const app = createApp({ db: counted, clock: systemClock, config: config(), log: silentLogger });
      const answers = await Promise.all(Array.from({ length: 200 }, () => app.request('/healthz')));
      expect(answers.map((answer) => answer.status)).toEqual(Array(200).fill(200));
      // One ping and one count of the failed alerts, for all of them.
      expect(statements).toBe(2);
    } finally {
      await storage.close();
    }
  });

  it('turns 503 within seconds of the database refusing connections, and 200 once it takes them again', async () => {
    const database = await createTestDatabase();
    const name = new URL(database.url).pathname.slice(1);
    // From another database: a session cannot bar connections to its own.
    const admin = postgres(Object.assign(new URL(database.url), { pathname: '/postgres' }).href, { max: 1, onnotice: () => {} });
    const storage = await openStorage({ kind: 'postgres', url: database.url, maxConnections: 2 });
    await storage.migrate();
    const outage = createOutageTracker();
    const databaseCheck = createDatabaseCheck({ db: storage, clock: systemClock, outage, log: silentLogger });
    const checking = databaseCheck.start();
    try {
      const app = createApp({ db: storage, clock: systemClock, config: config(), log: silentLogger, outage, databaseCheck });
      expect((await app.request('/healthz')).status).toBe(200);
      await admin.unsafe(`alter database "${name}" allow_connections = false`);
      await admin.unsafe(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`, [name]);
      const refusedAt = Date.now();
      await expect.poll(async () => (await app.request('/healthz')).status, { timeout: 15_000, interval: 100 }).toBe(503);
      expect(Date.now() - refusedAt).toBeLessThan(10_000);
      expect((await (await app.request('/healthz')).json()).failing[0]).toMatchObject({ part: 'database' });
      await admin.unsafe(`alter database "${name}" allow_connections = true`);
      await expect.poll(async () => (await app.request('/healthz')).status, { timeout: 15_000, interval: 100 }).toBe(200);
    } finally {
      await checking.stop();
      await storage.close();
      await admin.unsafe(`alter database "${name}" allow_connections = true`);
      await admin.end();
      await database.drop();
    }
  });
});

describe('a read-only PostgreSQL (a fail-over, a full disk, a revoked grant)', () => {
  let database: { url: string; drop: () => Promise<void> };
  let admin: postgres.Sql;
  let storage: Storage;
  const loops: Loop[] = [];

  beforeEach(async () => {
    database = await createTestDatabase();
    admin = postgres(database.url, { max: 1, onnotice: () => {} });
    const opened = await openStorage({ kind: 'postgres', url: database.url, maxConnections: 4 });
    await opened.migrate();
    storage = opened;
  });

  afterEach(async () => {
    await Promise.all(loops.splice(0).map((loop) => loop.stop()));
    await storage.close();
    await admin.end();
    await database.drop();
  });

  async function makeReadOnly(): Promise<void> {
    const name = new URL(database.url).pathname.slice(1);
    await admin.unsafe(`alter database "${name}" set default_transaction_read_only = on`);
    // Sessions pick the setting up when they start: end the server's open ones.
    await admin.unsafe(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`, [name]);
  }

  it('answers pulses and events 503 with Retry-After, stores nothing, and turns /healthz 503 naming both loops', async () => {
    const outage = createOutageTracker();
    const watched = watchOutages(storage, outage, () => systemClock.now());
    const feed = createLocalChangeFeed();
    const channels = createChannelRegistry(config(), silentLogger);
    const options = { pollMs: 300, clock: systemClock, log: silentLogger };
    const sweeper = startLoop(
      'sweeper',
      createSweepStep({ storage: watched, clock: systemClock, log: silentLogger, feed, outage, signals: { alertQueued: () => {} } }),
      options,
    );
    const sender = startLoop('sender', createSendStep({ storage: watched, clock: systemClock, log: silentLogger, channels }), options);
    loops.push(sweeper, sender);
    const app = createApp({ db: watched, clock: systemClock, config: config(), log: silentLogger, outage, loops });
    const post = (path: string, body: unknown) =>
      app.request(path, {
        method: 'POST',
        headers: { password: PASSWORD, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    expect((await post('/heartbeat', { service: 'before', alertType: 'log', alertTarget: 'ops', nextIn: 60 })).status).toBe(200);
    await makeReadOnly();

    for (const [path, body] of [
      ['/heartbeat', { service: 'during', alertType: 'log', alertTarget: 'ops', nextIn: 60 }],
      ['/event', { service: 'during', level: 'info', message: 'hello' }],
    ] as const) {
      // The first request may meet a connection the terminate closed: also a 503.
      for (let i = 0; i < 2; i += 1) {
        const response = await post(path, body);
        expect(response.status).toBe(503);
        expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(await response.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE', hint: expect.stringContaining('nothing was stored') });
      }
    }
    // Each loop is failing once three of its polls have failed; on a busy machine one may be a poll behind the other.
    const failingParts = async () => {
      const response = await app.request('/healthz');
      const answer = await response.json();
      return response.status === 503 ? answer.failing.map((problem: { part: string }) => problem.part).sort() : [];
    };
    await expect.poll(failingParts, { timeout: 15_000, interval: 200 }).toEqual(['sender', 'sweeper']);
    const body = await (await app.request('/healthz')).json();
    expect(body.failing[0].error).toBe('the database is read-only');

    const [counts] = await admin<{ heartbeats: number; events: number }[]>`
      select (select count(*)::int from heartbeats) as heartbeats, (select count(*)::int from events) as events`;
    expect(counts).toEqual({ heartbeats: 1, events: 0 });
  });
});
