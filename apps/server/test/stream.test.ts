import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import postgres from 'postgres';
import type { StreamChange } from '@watchtower/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '@watchtower/test-support';
import { createApp } from '../src/app.js';
import { ConfigSchema } from '../src/config.js';
import { createNotifyChangeFeed } from '../src/feed/notify-feed.js';
import { createSweepStep } from '../src/jobs/sweeper.js';
import { createLocalChangeFeed, type ChangeFeed } from '../src/feed/change-feed.js';
import { ManualClock } from '../src/lib/clock.js';
import { silentLogger } from '../src/lib/logger.js';
import { createTestStorage } from './support/databases.js';
import { PASSWORD } from './support/test-app.js';
import type { Storage } from '../src/db/client.js';

interface Message {
  event: string;
  data: Record<string, unknown>;
}

/** Reads server-sent events from a streaming answer. */
function sseReader(response: Response) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next(timeoutMs = 3000): Promise<Message> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.startsWith(':')) continue;
          const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
          const data = block
            .split('\n')
            .filter((line) => line.startsWith('data: '))
            .map((line) => line.slice(6))
            .join('\n');
          return { event, data: JSON.parse(data) };
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error('no server-sent event in time');
        const chunk = await Promise.race([
          reader.read(),
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no server-sent event in time')), left)),
        ]);
        if (chunk.done) throw new Error('the stream ended');
        buffer += decoder.decode(chunk.value, { stream: true });
      }
    },
    cancel: () => reader.cancel(),
  };
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The feed's subscriber count once it stops changing (streams end a moment after their reader goes). */
async function settledSubscribers(feed: ChangeFeed, expected: number, timeoutMs = 3000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (feed.subscribers !== expected && Date.now() < deadline) await new Promise((done) => setTimeout(done, 20));
  return feed.subscribers;
}

describe('GET /stream', () => {
  let storage: Storage;
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
  const feed = createLocalChangeFeed();
  let app: ReturnType<typeof createApp>;
  const headers = { password: PASSWORD, 'content-type': 'application/json' };
  const post = (path: string, body: unknown, method = 'POST') => app.request(path, { method, headers, body: JSON.stringify(body) });

  beforeAll(async () => {
    storage = await createTestStorage('pglite');
    app = createApp({ db: storage, clock, config: { ...ConfigSchema.parse({}), password: PASSWORD }, log: silentLogger, feed });
  });
  afterAll(async () => {
    await feed.close();
    await storage.close();
  });

  async function open() {
    const response = await app.request('/stream', { headers: { password: PASSWORD } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const stream = sseReader(response);
    expect((await stream.next()).event).toBe('ready');
    return stream;
  }

  it('refuses a reader without credentials', async () => {
    const response = await app.request('/stream');
    expect(response.status).toBe(401);
  });

  it('pushes pulses, cancels and events as they are committed', async () => {
    const stream = await open();
    await post('/heartbeat', { service: 'backup', alertType: 'log', alertTarget: 'ops', nextIn: 60 });
    expect(await stream.next()).toMatchObject({ event: 'heartbeat', data: { heartBeat: { service: 'backup', status: 'alive' } } });
    await post('/heartbeat', { service: 'backup' }, 'DELETE');
    expect(await stream.next()).toMatchObject({ event: 'heartbeat', data: { heartBeat: { service: 'backup', status: 'cancelled' } } });
    await post('/event', { service: 'backup', level: 'error', message: 'disk full' });
    expect(await stream.next()).toMatchObject({ event: 'event', data: { event: { service: 'backup', level: 40, message: 'disk full' } } });
    await stream.cancel();
  });

  it('pushes a death with its event, and the recovery', async () => {
    const stream = await open();
    await post('/heartbeat', { service: 'worker', alertType: 'log', alertTarget: 'ops', nextIn: 5 });
    await stream.next();
    clock.advance(6);
    const sweep = createSweepStep({ storage, clock, log: silentLogger, feed, signals: { alertQueued: () => {} } });
    await sweep();
    expect(await stream.next()).toMatchObject({ event: 'heartbeat.dead', data: { service: 'worker' } });
    expect(await stream.next()).toMatchObject({ event: 'event', data: { event: { service: 'worker', level: 40 } } });
    await post('/heartbeat', { service: 'worker', alertType: 'log', alertTarget: 'ops', nextIn: 5 });
    expect((await stream.next()).event).toBe('heartbeat');
    expect(await stream.next()).toMatchObject({ event: 'heartbeat.recovered', data: { service: 'worker' } });
    expect(await stream.next()).toMatchObject({
      event: 'event',
      data: { event: { service: 'worker', level: 20, message: 'Service worker is pulsing again after 6 s of silence.' } },
    });
    await stream.cancel();
  });

  it('tells a reader that fell far behind to reload', async () => {
    const response = await app.request('/stream', { headers: { password: PASSWORD } });
    const stream = sseReader(response);
    expect((await stream.next()).event).toBe('ready');
    const change: StreamChange = { type: 'heartbeat.dead', service: 'x' };
    // Nobody reads while 3,000 changes arrive.
    feed.publish(Array.from({ length: 3000 }, () => change));
    const seen: string[] = [];
    for (let i = 0; i < 1100 && !seen.includes('resync'); i += 1) seen.push((await stream.next()).event);
    expect(seen).toContain('resync');
    await stream.cancel();
  });

  it('answers HEAD with the stream headers and keeps no subscription for it', async () => {
    for (let i = 0; i < 3; i += 1) {
      const response = await app.request('/stream', { method: 'HEAD', headers: { password: PASSWORD } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      expect(response.body).toBeNull();
    }
    expect(await settledSubscribers(feed, 0)).toBe(0);
  });

  it('drops the subscription of every stream whose reader went away', async () => {
    const before = feed.subscribers;
    const streams = [await open(), await open(), await open()];
    expect(feed.subscribers).toBe(before + 3);
    for (const stream of streams) await stream.cancel();
    expect(await settledSubscribers(feed, before)).toBe(before);
  });

  it('refuses a stream past server.maxStreams with 503, a hint and Retry-After, and takes one again once a reader leaves', async () => {
    const local = createLocalChangeFeed();
    const config = { ...ConfigSchema.parse({ server: { maxStreams: 2 } }), password: PASSWORD };
    const capped = createApp({ db: storage, clock, config, log: silentLogger, feed: local });
    const request = (method = 'GET') => capped.request('/stream', { method, headers: { password: PASSWORD } });
    const first = sseReader(await request());
    const second = sseReader(await request());
    await first.next();
    await second.next();

    const refused = await request();
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('15');
    expect(await refused.json()).toMatchObject({
      result: 503,
      code: 'SERVICE_UNAVAILABLE',
      hint: expect.stringContaining('WATCHTOWER_MAX_STREAMS'),
    });
    expect((await request('HEAD')).status).toBe(503);
    expect(local.subscribers).toBe(2);

    await first.cancel();
    expect(await settledSubscribers(local, 1)).toBe(1);
    const third = sseReader(await request());
    expect((await third.next()).event).toBe('ready');
    await second.cancel();
    await third.cancel();
    expect(await settledSubscribers(local, 0)).toBe(0);
    await local.close();
  });

  it('drops the subscriptions of HEAD requests and of readers that hang up, over a real connection', async () => {
    const local = createLocalChangeFeed();
    const served = createApp({
      db: storage,
      clock,
      config: { ...ConfigSchema.parse({}), password: PASSWORD },
      log: silentLogger,
      feed: local,
    });
    const server = await new Promise<Server>((started) => {
      const instance = serve({ fetch: served.fetch, port: 0, hostname: '127.0.0.1' }, () => started(instance as Server));
    });
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/stream`;
      const head = await fetch(url, { method: 'HEAD', headers: { password: PASSWORD } });
      expect(head.status).toBe(200);
      const readers = [];
      for (let i = 0; i < 2; i += 1) {
        const aborter = new AbortController();
        const response = await fetch(url, { headers: { password: PASSWORD }, signal: aborter.signal });
        const stream = sseReader(response);
        expect((await stream.next()).event).toBe('ready');
        readers.push(aborter);
      }
      expect(local.subscribers).toBe(2);
      for (const aborter of readers) aborter.abort();
      expect(await settledSubscribers(local, 0)).toBe(0);
    } finally {
      await local.close();
      server.closeAllConnections();
      await new Promise((closed) => server.close(closed));
    }
  });

  it('ends every stream when the feed closes, so the server can stop', async () => {
    const local = createLocalChangeFeed();
    const other = createApp({
      db: storage,
      clock,
      config: { ...ConfigSchema.parse({}), password: PASSWORD },
      log: silentLogger,
      feed: local,
    });
    const response = await other.request('/stream', { headers: { password: PASSWORD } });
    const stream = sseReader(response);
    await stream.next();
    await local.close();
    await expect(stream.next()).rejects.toThrow('the stream ended');
  });
});

describe('the PostgreSQL change feed', () => {
  it('tells every live reader to resync once its LISTEN connection is back, and carries changes again', async () => {
    const storage = await createTestStorage('postgres');
    const feed = await createNotifyChangeFeed(storage.url!, silentLogger);
    const other = await createNotifyChangeFeed(storage.url!, silentLogger);
    const admin = postgres(storage.url!, { max: 1, onnotice: () => {} });
    try {
      const app = createApp({
        db: storage,
        clock: new ManualClock(0),
        config: { ...ConfigSchema.parse({}), password: PASSWORD },
        log: silentLogger,
        feed,
      });
      const stream = sseReader(await app.request('/stream', { headers: { password: PASSWORD } }));
      expect((await stream.next()).event).toBe('ready');
      let resyncs = 0;
      feed.subscribe({ change: () => {}, resync: () => (resyncs += 1) });

      // Only this test's database: other suites may run feeds on the same server.
      const killed = await admin`
        select pg_terminate_backend(pid) from pg_stat_activity
        where application_name = 'watchtower-feed' and datname = current_database() and pid <> pg_backend_pid()`;
      expect(killed.length).toBeGreaterThan(0);

      expect((await stream.next(20_000)).event).toBe('resync');
      expect(resyncs).toBe(1);
      other.publish([{ type: 'heartbeat.dead', service: 'after-reconnect' }]);
      expect(await stream.next(10_000)).toMatchObject({ event: 'heartbeat.dead', data: { service: 'after-reconnect' } });
      await stream.cancel();
    } finally {
      await admin.end();
      await other.close();
      await feed.close();
      await storage.close();
    }
  }, 60_000);

  it('carries changes between processes on one database, cutting long messages between characters to fit NOTIFY', async () => {
    const database = await createTestDatabase();
    const first = await createNotifyChangeFeed(database.url, silentLogger);
    const second = await createNotifyChangeFeed(database.url, silentLogger);
    try {
      const received: StreamChange[] = [];
      second.subscribe({ change: (change) => received.push(change) });
      // Emoji are two UTF-16 units: a cut at an odd unit would split one.
      const long = `x${'😀'.repeat(5_000)}`;
      first.publish([
        { type: 'heartbeat.dead', service: 'a' },
        { type: 'event', event: { id: 1, service: 'a', level: 40, message: long, date: 1 } },
      ]);
      const deadline = Date.now() + 5000;
      while (received.length < 2 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 20));
      expect(received[0]).toEqual({ type: 'heartbeat.dead', service: 'a' });
      const event = received[1] as Extract<StreamChange, { type: 'event' }>;
      expect(event.event.message.length).toBeLessThan(2000);
      expect(event.event.message).toContain('the full text is in GET /events');
      expect(event.event.message).not.toMatch(LONE_SURROGATE);
    } finally {
      await first.close();
      await second.close();
      await database.drop();
    }
  });
});
