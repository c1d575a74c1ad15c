import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WatchtowerClient } from '../src/index.js';
import {
  api,
  cleanUpServers,
  eventually,
  freePort,
  PASSWORD,
  startServerAt,
  temporaryFolder,
  type ServerProcess,
} from './support/server.js';

// One server, stopped and started again at the same address and data folder by each test.
let port: number;
let dataDir: string;
let url: string;
let server: ServerProcess;

beforeAll(async () => {
  port = await freePort();
  dataDir = temporaryFolder('watchtower-client-data-');
  url = `http://127.0.0.1:${port}`;
  server = await startServerAt(port, dataDir);
});

afterAll(async () => {
  await cleanUpServers();
});

describe('a server that is briefly down', () => {
  it('gets a pulse that was sent while it was down, once it is back', async () => {
    await server.stop();
    let attempts = 0;
    const client = new WatchtowerClient({
      url,
      password: PASSWORD,
      retries: 10,
      retryDelayMs: 200,
      fetch: (input, init) => {
        attempts++;
        return fetch(input, init);
      },
    });
    const pulse = client.pulse({ service: 'while-down', nextIn: 60, alertType: 'log', alertTarget: 'ops' });
    await eventually(async () => attempts >= 2);
    server = await startServerAt(port, dataDir);

    expect((await pulse).service).toBe('while-down');
    expect(attempts).toBeGreaterThan(2);
    expect((await api(url, '/heartbeat/while-down')).body.heartBeat.status).toBe('alive');
  });

  it('keeps a heartbeat loop pulsing across the outage', async () => {
    const client = new WatchtowerClient({ url, password: PASSWORD, retries: 0 });
    const failures: string[] = [];
    let pulses = 0;
    const loop = client.startHeartbeat({
      service: 'loop-across',
      every: 0.5,
      alertType: 'log',
      alertTarget: 'ops',
      onPulse: () => pulses++,
      onError: (error) => failures.push(error.code),
    });
    await eventually(async () => pulses >= 1);
    await server.stop();
    await eventually(async () => failures.length >= 1);
    const restarted = Date.now() / 1000;
    server = await startServerAt(port, dataDir);

    await eventually(async () => ((await api(url, '/heartbeat/loop-across')).body.heartBeat?.last ?? 0) > restarted);
    await loop.stop();
    expect(failures[0]).toBe('NETWORK_ERROR');
    expect((await api(url, '/heartbeat/loop-across')).body.heartBeat.status).toBe('cancelled');
  });
});

describe('an answer lost on the way back', () => {
  it('stores an event once when its first answer is lost and the client sends it again', async () => {
    const keys: Array<string | null> = [];
    let attempts = 0;
    const client = new WatchtowerClient({
      url,
      password: PASSWORD,
      retries: 3,
      retryDelayMs: 50,
      fetch: async (input, init) => {
        attempts += 1;
        keys.push(new Headers(init?.headers).get('idempotency-key'));
        const response = await fetch(input, init);
        // The server stored the event, but its answer never reaches the client.
        if (attempts === 1) throw new TypeError('fetch failed: socket hang up');
        return response;
      },
    });
    const event = await client.addEvent({ service: 'lost-answer', level: 'error', message: 'backup failed' });
    expect(attempts).toBe(2);
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(keys[1]).toBe(keys[0]);
    const stored = (await api(url, '/events?service=lost-answer')).body.events;
    expect(stored).toHaveLength(1);
    expect(stored[0].id).toBe(event.id);
  });

  it('stores a batch once when its first answer is lost and the client sends it again', async () => {
    let attempts = 0;
    const client = new WatchtowerClient({
      url,
      password: PASSWORD,
      retries: 3,
      retryDelayMs: 50,
      fetch: async (input, init) => {
        attempts += 1;
        const response = await fetch(input, init);
        if (attempts === 1) throw new TypeError('fetch failed: socket hang up');
        return response;
      },
    });
    const ids = await client.addEvents([
      { service: 'lost-batch', message: 'one' },
      { service: 'lost-batch', message: 'two' },
    ]);
    expect(attempts).toBe(2);
    const stored = (await api(url, '/events?service=lost-batch')).body.events;
    expect(stored.map((event: { id: number }) => event.id).reverse()).toEqual(ids);
  });
});
