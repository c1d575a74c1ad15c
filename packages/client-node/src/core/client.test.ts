import { describe, expect, it } from 'vitest';
import { WatchtowerClient } from './client.js';
import { WatchtowerError } from './errors.js';

type Answer = Response | Error | 'hang';

const beat = {
  service: 'backup',
  alertType: 'log',
  alertTarget: 'ops',
  nextIn: 60,
  last: 1,
  expected: 61,
  alerted: false,
  cancelled: false,
  status: 'alive',
};

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'x-request-id': 'req-1' } });
}

/** A fetch that answers from a script and records each request. */
function scriptedFetch(...answers: Answer[]) {
  const requests: { url: string; init: RequestInit }[] = [];
  const fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    requests.push({ url: String(input), init });
    const answer = answers.shift() ?? new Error('the script ran out of answers');
    if (answer === 'hang') {
      return new Promise((_, failed) => init.signal?.addEventListener('abort', () => failed(new Error('aborted'))));
    }
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

function client(fetch: typeof globalThis.fetch, retries = 2) {
  return new WatchtowerClient({ url: 'http://watchtower.test/base/', password: 'secret', retries, retryDelayMs: 1, fetch });
}

async function failure(promise: Promise<unknown>): Promise<WatchtowerError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof WatchtowerError)) throw new Error(`expected a WatchtowerError, got ${String(error)}`);
  return error;
}

describe('WatchtowerClient requests', () => {
  it('sends a pulse as JSON with the password header, below the base path', async () => {
    const script = scriptedFetch(json(200, { result: 200, action: 'pulse', heartBeat: beat }));
    await client(script.fetch).pulse({ service: 'backup', nextIn: '1m', alertType: 'log', alertTarget: 'ops' });
    const [request] = script.requests;
    expect(request?.url).toBe('http://watchtower.test/base/heartbeat');
    expect(request?.init.method).toBe('POST');
    expect(request?.init.headers).toMatchObject({ password: 'secret', 'content-type': 'application/json' });
    expect(JSON.parse(String(request?.init.body))).toEqual({ service: 'backup', nextIn: 60, alertType: 'log', alertTarget: 'ops' });
  });

  it('URL-encodes a service name in the path', async () => {
    const script = scriptedFetch(json(200, { result: 200, heartBeat: beat }));
    await client(script.fetch).heartbeat('db/main #1?');
    expect(script.requests[0]?.url).toBe('http://watchtower.test/base/heartbeat/db%2Fmain%20%231%3F');
  });

  it('finds a service named ".." in the list, since a URL cannot carry that segment', async () => {
    const dots = { ...beat, service: '..' };
    const script = scriptedFetch(json(200, { result: 200, heartBeats: [beat, dots] }));
    expect(await client(script.fetch).heartbeat('..')).toEqual(dots);
    expect(script.requests[0]?.url).toBe('http://watchtower.test/base/heartbeats');
  });

  it('puts event filters in the query, dates as Unix seconds, and leaves out the missing ones', async () => {
    const script = scriptedFetch(json(200, { result: 200, events: [], next: null }));
    await client(script.fetch).events({ service: 'a b', level: 'error', from: new Date(1_700_000_000_500), limit: 5 });
    expect(script.requests[0]?.url).toBe('http://watchtower.test/base/events?service=a+b&level=error&from=1700000000.5&limit=5');
  });

  it('rejects a url that is not http(s)', () => {
    expect(() => new WatchtowerClient({ url: 'watchtower.test:4443' })).toThrow(/url must be the server's http\(s\) address/);
  });
});

describe('WatchtowerClient retries', () => {
  it('retries a 503 and answers what the next attempt got', async () => {
    const script = scriptedFetch(
      json(503, { result: 503, hint: 'the database is out of reach', code: 'SERVICE_UNAVAILABLE', requestId: 'r' }),
      json(200, { result: 200, heartBeats: [beat] }),
    );
    expect(await client(script.fetch).heartbeats()).toEqual([beat]);
    expect(script.requests).toHaveLength(2);
  });

  it('retries a network error', async () => {
    const script = scriptedFetch(new TypeError('fetch failed'), json(200, { result: 200, heartBeats: [] }));
    expect(await client(script.fetch).heartbeats()).toEqual([]);
    expect(script.requests).toHaveLength(2);
  });

  it('does not retry a 400, and carries its status, code, hint and request id', async () => {
    const script = scriptedFetch(
      json(400, { result: 400, hint: 'nextIn must be greater than 0 seconds', code: 'VALIDATION_FAILED', requestId: 'req-1' }),
    );
    const error = await failure(client(script.fetch).pulse({ service: 'x', nextIn: 5, alertType: 'log', alertTarget: 'ops' }));
    expect(script.requests).toHaveLength(1);
    expect(error).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      hint: 'nextIn must be greater than 0 seconds',
      requestId: 'req-1',
      attempts: 1,
      retryable: false,
    });
    expect(error.message).toBe('POST /heartbeat: 400 VALIDATION_FAILED: nextIn must be greater than 0 seconds');
  });

  it('gives up after `retries` further attempts with the last error', async () => {
    const down = () => new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    const script = scriptedFetch(down(), down(), down(), down());
    const error = await failure(client(script.fetch, 2).heartbeats());
    expect(script.requests).toHaveLength(3);
    expect(error).toMatchObject({ status: undefined, code: 'NETWORK_ERROR', attempts: 3 });
    expect(error.hint).toBe('could not reach http://watchtower.test/base (ECONNREFUSED)');
  });

  it('abandons an attempt after timeoutMs and retries it', async () => {
    const script = scriptedFetch('hang', json(200, { result: 200, heartBeats: [] }));
    const quick = new WatchtowerClient({ url: 'http://watchtower.test', timeoutMs: 20, retryDelayMs: 1, fetch: script.fetch });
    expect(await quick.heartbeats()).toEqual([]);
    expect(script.requests).toHaveLength(2);
  });

  it('reports a timeout as TIMEOUT once the retries are spent', async () => {
    const script = scriptedFetch('hang');
    const quick = new WatchtowerClient({ url: 'http://watchtower.test', timeoutMs: 20, retries: 0, fetch: script.fetch });
    expect(await failure(quick.heartbeats())).toMatchObject({ code: 'TIMEOUT', status: undefined });
  });

  it('does not retry a 200 that is not a watchtower answer', async () => {
    const script = scriptedFetch(new Response('<html>welcome</html>', { status: 200 }));
    const error = await failure(client(script.fetch).heartbeats());
    expect(script.requests).toHaveLength(1);
    expect(error).toMatchObject({ code: 'BAD_RESPONSE', retryable: false });
  });

  it('retries a 502 page of a proxy, which is not JSON', async () => {
    const script = scriptedFetch(
      new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
      json(200, { result: 200, heartBeats: [] }),
    );
    expect(await client(script.fetch).heartbeats()).toEqual([]);
    expect(script.requests).toHaveLength(2);
  });
});

describe('WatchtowerClient aborts', () => {
  /** What a call rejected with. */
  async function rejection(promise: Promise<unknown>): Promise<unknown> {
    return promise.then(
      () => new Error('the call did not reject'),
      (reason: unknown) => reason,
    );
  }

  it('rejects with an AbortError when its signal aborts during a request, and retries nothing', async () => {
    const script = scriptedFetch('hang', json(200, { result: 200, heartBeats: [] }));
    const controller = new AbortController();
    const call = client(script.fetch).heartbeats({ signal: controller.signal });
    await new Promise((wait) => setTimeout(wait, 10));
    controller.abort();
    expect(await rejection(call)).toMatchObject({ name: 'AbortError' });
    await new Promise((wait) => setTimeout(wait, 20));
    expect(script.requests).toHaveLength(1);
    expect(script.requests[0]?.init.signal?.aborted).toBe(true);
  });

  it('sends nothing when its signal has aborted already', async () => {
    const script = scriptedFetch(json(200, { result: 200, heartBeats: [] }));
    const error = await rejection(client(script.fetch).startRun('backup', {}, { signal: AbortSignal.abort() }));
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(script.requests).toHaveLength(0);
  });

  it('stops waiting between attempts when its signal aborts, and sends no further attempt', async () => {
    const script = scriptedFetch(new TypeError('fetch failed'), json(200, { result: 200, heartBeats: [] }));
    const slow = new WatchtowerClient({ url: 'http://watchtower.test', retryDelayMs: 60_000, fetch: script.fetch });
    const controller = new AbortController();
    const call = slow.pulse({ service: 'backup' }, { signal: controller.signal });
    await new Promise((wait) => setTimeout(wait, 10));
    controller.abort();
    expect(await rejection(call)).toMatchObject({ name: 'AbortError' });
    expect(script.requests).toHaveLength(1);
  });

  it("rejects with the signal's own reason when it has one", async () => {
    const script = scriptedFetch('hang');
    const reason = new Error('shutting down');
    const controller = new AbortController();
    const call = client(script.fetch).listRuns('backup', {}, { signal: controller.signal });
    controller.abort(reason);
    expect(await rejection(call)).toBe(reason);
  });
});

describe('WatchtowerClient service calls', () => {
  it('puts the settings of a service at its URL-encoded path', async () => {
    const script = scriptedFetch(json(200, { result: 200, heartBeat: beat }));
    await client(script.fetch).putService('db/main', { cron: '15 3 * * 1-5', tz: 'Europe/Paris', grace: '30m' });
    expect(script.requests[0]?.url).toBe('http://watchtower.test/base/heartbeat/db%2Fmain');
    expect(script.requests[0]?.init.method).toBe('PUT');
    expect(JSON.parse(String(script.requests[0]?.init.body))).toEqual({ cron: '15 3 * * 1-5', tz: 'Europe/Paris', grace: '30m' });
  });

  it('refuses a service named "." or ".." before sending, since a URL path cannot carry it', async () => {
    const script = scriptedFetch();
    await expect(client(script.fetch).deleteService('..')).rejects.toThrow(/cannot be named in a URL path/);
    await expect(client(script.fetch).failRun('.', { exitCode: 1 })).rejects.toThrow(TypeError);
    expect(script.requests).toHaveLength(0);
  });

  it('leaves out of a pulse what it does not name', async () => {
    const script = scriptedFetch(json(200, { result: 200, action: 'pulse', heartBeat: beat }));
    await client(script.fetch).pulse({ service: 'backup', message: 'dumped 3 GB' });
    expect(JSON.parse(String(script.requests[0]?.init.body))).toEqual({ service: 'backup', message: 'dumped 3 GB' });
  });

  it('does not take a 200 without runs for a list of runs', async () => {
    const script = scriptedFetch(json(200, { result: 200, heartBeat: beat }));
    expect(await failure(client(script.fetch).listRuns('backup'))).toMatchObject({ code: 'BAD_RESPONSE' });
  });
});
