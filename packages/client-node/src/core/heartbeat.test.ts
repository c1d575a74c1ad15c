import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WatchtowerClient } from './client.js';
import type { WatchtowerError } from './errors.js';

const beat = {
  service: 'worker',
  alertType: 'log',
  alertTarget: 'ops',
  nextIn: 90,
  last: 1,
  expected: 91,
  alerted: false,
  cancelled: false,
  status: 'alive',
};

type Outcome = 'ok' | 'down' | 'refused';

/** A server stand-in: each pulse gets the next scripted outcome (then 'ok'); requests are recorded with their time. */
function fakeServer(...outcomes: Outcome[]) {
  const requests: { at: number; method: string; body: Record<string, unknown> }[] = [];
  const fetch = async (_input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const body = JSON.parse(String(init.body ?? '{}')) as Record<string, unknown>;
    requests.push({ at: Date.now(), method: String(init.method), body });
    if (init.method === 'DELETE') {
      return Response.json({ result: 200, action: 'cancel', heartBeat: { ...beat, cancelled: true, status: 'cancelled' } });
    }
    const outcome = outcomes.shift() ?? 'ok';
    if (outcome === 'down') throw new TypeError('fetch failed');
    if (outcome === 'refused') {
      return Response.json({ result: 400, hint: 'alertTarget is wrong', code: 'VALIDATION_FAILED', requestId: 'r' }, { status: 400 });
    }
    return Response.json({ result: 200, action: 'pulse', heartBeat: beat });
  };
  const client = new WatchtowerClient({ url: 'http://watchtower.test', retries: 0, fetch: fetch as typeof globalThis.fetch });
  return { client, requests, pulses: () => requests.filter((request) => request.method === 'POST') };
}

describe('startHeartbeat', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const options = { service: 'worker', every: '1m', alertType: 'log', alertTarget: 'ops', onError: () => {} } as const;

  it('pulses at once and then every `every`, promising `every` plus half of it', async () => {
    const server = fakeServer();
    const loop = server.client.startHeartbeat(options);
    await vi.advanceTimersByTimeAsync(125_000);
    expect(server.pulses().map((request) => request.at)).toEqual([0, 60_000, 120_000]);
    expect(server.pulses()[0]?.body).toEqual({ service: 'worker', nextIn: 90, alertType: 'log', alertTarget: 'ops' });
    await loop.stop({ cancel: false });
  });

  it('uses the margin it is given', async () => {
    const server = fakeServer();
    const loop = server.client.startHeartbeat({ ...options, every: 600, margin: '1m' });
    await vi.advanceTimersByTimeAsync(0);
    expect(server.pulses()[0]?.body.nextIn).toBe(660);
    await loop.stop({ cancel: false });
  });

  it('tries again after 5 s, then 10 s, when the server cannot be reached, and reports each failure', async () => {
    const server = fakeServer('down', 'down');
    const errors: WatchtowerError[] = [];
    const loop = server.client.startHeartbeat({ ...options, onError: (error) => errors.push(error) });
    await vi.advanceTimersByTimeAsync(16_000);
    expect(server.pulses().map((request) => request.at)).toEqual([0, 5_000, 15_000]);
    expect(errors.map((error) => error.code)).toEqual(['NETWORK_ERROR', 'NETWORK_ERROR']);
    await loop.stop({ cancel: false });
  });

  it('waits the whole period after a refused pulse, which trying again would not fix', async () => {
    const server = fakeServer('refused');
    const loop = server.client.startHeartbeat(options);
    await vi.advanceTimersByTimeAsync(59_000);
    expect(server.pulses()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(server.pulses()).toHaveLength(2);
    await loop.stop({ cancel: false });
  });

  it('goes on when its onPulse callback throws', async () => {
    const server = fakeServer();
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    const loop = server.client.startHeartbeat({
      ...options,
      onPulse: () => {
        throw new Error('a bug in the callback');
      },
    });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.pulses()).toHaveLength(2);
    expect(quiet).toHaveBeenCalled();
    await loop.stop({ cancel: false });
    quiet.mockRestore();
  });

  it('stops pulsing and cancels the service, after the pulse in flight', async () => {
    const server = fakeServer();
    const loop = server.client.startHeartbeat(options);
    await loop.stop();
    await vi.advanceTimersByTimeAsync(300_000);
    expect(server.requests.map((request) => request.method)).toEqual(['POST', 'DELETE']);
    expect(server.requests[1]?.body).toEqual({ service: 'worker' });
  });

  it('stops without cancelling when asked to', async () => {
    const server = fakeServer();
    const loop = server.client.startHeartbeat(options);
    await vi.advanceTimersByTimeAsync(0);
    await loop.stop({ cancel: false });
    await vi.advanceTimersByTimeAsync(300_000);
    expect(server.requests.map((request) => request.method)).toEqual(['POST']);
  });

  it('rejects an `every` that is not a duration at once', () => {
    const server = fakeServer();
    expect(() => server.client.startHeartbeat({ ...options, every: 'often' })).toThrow(/^every must be a positive number/);
  });
});
