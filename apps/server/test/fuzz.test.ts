import { serve } from '@hono/node-server';
import { BadgeEndpoint, ERROR_CODES } from '@watchtower/protocol';
import fc from 'fast-check';
import { isUtf8 } from 'node:buffer';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { freePort } from '@watchtower/test-support';
import { presentedSecret } from '../src/http/auth.js';
import { STATUS_OF } from '../src/http/errors.js';
import { answerClientErrors } from '../src/http/client-errors.js';
import { DATABASE_KINDS } from './support/databases.js';
import {
  buildRequest,
  bytesOf,
  credentials,
  eventBatch,
  exchange,
  fuzzRequest,
  LIST_PATHS,
  opensRawStream,
  opensStream,
  otherHeader,
  parseAnswers,
  query,
  rawRequest,
  SERVICES,
  STREAM_PATHS,
  YEAR_0_MS,
  YEAR_10000_MS,
  type RawAnswer,
} from './support/fuzz-requests.js';
import { PASSWORD, useTestApp, type TestApp } from './support/test-app.js';

// Property-based fuzzing of every route of ROUTES (and of paths near them). A failure
// prints fast-check's seed and path; FUZZ_SEED=<seed> FUZZ_PATH=<path> replays it, and
// FUZZ_SCALE=<n> runs n times as many cases for a longer search.
const replay = process.env.FUZZ_SEED
  ? { seed: Number(process.env.FUZZ_SEED), ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}) }
  : {};
const scale = Number(process.env.FUZZ_SCALE) || 1;
const runs = (count: number) => ({ numRuns: Math.round(count * scale), ...replay });

// ---- the checks ----------------------------------------------------------------------

type Counts = { heartbeats: number; events: number; alerts: number };

async function countRows(t: TestApp): Promise<Counts> {
  const [row] = await t.storage.query<Counts>(
    'select (select count(*) from heartbeats)::int as heartbeats, (select count(*) from events)::int as events, ' +
      '(select count(*) from alerts)::int as alerts',
    [],
  );
  return row!;
}

// Ping URLs answer as the tools that call them expect: Healthchecks' plain text, Uptime Kuma's JSON.
const PING_PATH = /^\/ping\//;
const PUSH_PATH = /^\/api\/push\//;

/**
 * Checks the answer of a ping or push URL; true when it was one. A path no ping route
 * serves falls through to the API's JSON error, checked as any other.
 */
function checkPingAnswer(path: string, status: number, contentType: string | null | undefined, body: string, context: string): boolean {
  if (PING_PATH.test(path) && contentType?.startsWith('text/plain')) {
    expect(body, context).toMatch(status === 200 ? /^OK$/ : /\S/);
    return true;
  }
  if (PUSH_PATH.test(path) && contentType?.startsWith('application/json')) {
    const json = JSON.parse(body) as Record<string, unknown>;
    if (!('ok' in json)) return false;
    expect(json.ok, context).toBe(status === 200);
    return true;
  }
  return false;
}

// Badges answer as an image or in shields.io's endpoint format: the badge, or a 404 one saying "not found".
const BADGE_PATH = /^\/badge\//;

/** Checks the answer of a badge URL; true when it was one. */
function checkBadgeAnswer(path: string, status: number, contentType: string | null | undefined, body: string, context: string): boolean {
  if (!BADGE_PATH.test(path)) return false;
  if (contentType?.startsWith('image/svg+xml')) {
    expect([200, 404], context).toContain(status);
    expect(body, context).toMatch(/^<svg [^>]*aria-label="[^"]+"[^>]*>.*<\/svg>$/s);
    if (status === 404) expect(body, context).toContain('aria-label="watchtower: not found"');
    return true;
  }
  if (!contentType?.startsWith('application/json')) return false;
  const json = JSON.parse(body) as Record<string, unknown>;
  if (!('schemaVersion' in json)) return false;
  expect(BadgeEndpoint.strict().safeParse(json).success, context).toBe(true);
  if (status === 404) expect(json.message, context).toBe('not found');
  return true;
}

// The API reference answers as an OpenAPI document and as a web page with its files.
const REFERENCE_PATH = /^\/(openapi\.json|docs)(\/|$)/;

/** Checks the answer of the API reference; true when it was one. */
function checkReferenceAnswer(
  path: string,
  status: number,
  contentType: string | null | undefined,
  body: string,
  context: string,
): boolean {
  if (!REFERENCE_PATH.test(path) || status !== 200) return false;
  if (path === '/openapi.json') expect((JSON.parse(body) as { openapi: unknown }).openapi, context).toBe('3.1.0');
  else if (path === '/docs') expect(contentType, context).toMatch(/^text\/html/);
  else expect(path, context).toMatch(/^\/docs\/assets\//);
  return true;
}

// An export answers as a file: NDJSON (an event a line) or CSV with its header row.
const EXPORT_PATH = /^\/events\/export$/i;

/** Checks the answer of an export; true when it was one. */
function checkExportAnswer(path: string, status: number, contentType: string | null | undefined, body: string, context: string): boolean {
  if (!EXPORT_PATH.test(path) || status !== 200) return false;
  if (contentType?.startsWith('text/csv')) {
    expect(body, context).toMatch(/^id,date,service,level,message\r\n/);
    return true;
  }
  expect(contentType, context).toMatch(/^application\/x-ndjson/);
  for (const line of body.split('\n').filter((text) => text !== '')) {
    expect(Object.keys(JSON.parse(line) as object).sort(), context).toEqual(['date', 'id', 'level', 'message', 'service']);
  }
  return true;
}

/** Checks the answers that are not JSON by design: Prometheus' text at /metrics, a script under /sdk; true when it was one. */
function checkTextAnswer(path: string, status: number, contentType: string | null | undefined, body: string, context: string): boolean {
  if (status !== 200) return false;
  if (/^\/metrics$/i.test(path)) {
    expect(contentType, context).toMatch(/^text\/plain/);
    expect(body, context).toMatch(/^# HELP /m);
    return true;
  }
  if (/^\/sdk\//i.test(path)) {
    expect(contentType, context).toMatch(/^text\/javascript/);
    return true;
  }
  return false;
}

/** Where a redirect may send: a browser asking for / without credentials, to the dashboard; /docs/ to /docs. */
const redirectOf = (path: string) => (path === '/docs/' ? '/docs' : '/gui/');

/** Where a redirect's Location leads from the path asked for (the dashboard's are relative, for proxies' prefixes). */
const resolvedLocation = (location: string | null | undefined, path: string) =>
  location == null ? null : new URL(location, `http://host${path}`).pathname;

/** Checks one answer against the protocol; nothing is stored unless the answer is a success. */
async function checkAnswer(request: Request, response: Response, before: Counts, after: Counts): Promise<void> {
  const context = `${request.method} ${request.url} → ${response.status}`;
  expect(response.status, context).toBeLessThan(500);
  const answer = await response.text();
  if (response.status >= 300) expect(after, `${context}: stored rows though rejected`).toEqual(before);
  if (request.method === 'HEAD') {
    expect(answer, context).toBe('');
    return;
  }
  if (response.status >= 300 && response.status < 400) {
    const path = new URL(request.url).pathname;
    expect(resolvedLocation(response.headers.get('location'), path), context).toBe(redirectOf(path));
    return;
  }
  const path = new URL(request.url).pathname;
  const contentType = response.headers.get('content-type');
  if (checkPingAnswer(path, response.status, contentType, answer, context)) return;
  if (checkBadgeAnswer(path, response.status, contentType, answer, context)) return;
  if (checkReferenceAnswer(path, response.status, contentType, answer, context)) return;
  if (checkExportAnswer(path, response.status, contentType, answer, context)) return;
  if (checkTextAnswer(path, response.status, contentType, answer, context)) return;
  const json = JSON.parse(answer) as Record<string, unknown>;
  expect(json.result, context).toBe(response.status);
  if (response.status < 300) return;
  expect(Object.keys(json).sort(), context).toEqual(['code', 'hint', 'requestId', 'result']);
  expect(ERROR_CODES, context).toContain(json.code);
  expect(STATUS_OF[json.code as keyof typeof STATUS_OF], context).toBe(response.status);
  expect(json.hint, context).toEqual(expect.stringMatching(/\S/));
  expect(json.requestId, context).toBe(response.headers.get('x-request-id'));
}

describe.each(DATABASE_KINDS)('fuzzing on %s', (kind) => {
  const t = useTestApp(kind, {
    configure: (config) => {
      // Webhook targets are checked without DNS look-ups; alert: true has a route.
      config.alerts.allowPrivateTargets = true;
      config.alerts.defaultType = 'log';
      config.alerts.defaultTarget = 'ops';
    },
  });

  it('no request answers 5xx or stores anything when rejected', { timeout: 180_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fuzzRequest, async (given) => {
        const request = buildRequest(given);
        fc.pre(request !== null && !opensStream(request));
        const before = await countRows(t);
        const response = await t.app.request(request!);
        if (request!.body !== null && given.body instanceof Uint8Array && !isUtf8(given.body)) {
          expect(response.status, 'a body that is not UTF-8 was accepted').toBeGreaterThanOrEqual(400);
        }
        await checkAnswer(request!, response, before, await countRows(t));
      }),
      runs(1000),
    );
  });

  it('the stream refuses every request without the right credentials', { timeout: 60_000 }, async () => {
    const streamRequest = fc.record({
      method: fc.constantFrom('GET', 'HEAD'),
      path: fc.constantFrom(...STREAM_PATHS),
      headers: fc.tuple(credentials, fc.array(otherHeader, { maxLength: 2 })).map(([c, o]) => [...c, ...o]),
      body: fc.constant(undefined),
    });
    await fc.assert(
      fc.asyncProperty(streamRequest, async (given) => {
        const request = buildRequest(given)!;
        fc.pre(presentedSecret(request.headers) !== PASSWORD);
        const before = await countRows(t);
        const response = await t.app.request(request);
        expect(response.status).toBe(401);
        await checkAnswer(request, response, before, await countRows(t));
      }),
      runs(200),
    );
  });

  it('refuses a body that is not UTF-8 with 400, storing nothing', async () => {
    // Found over raw HTTP: the bytes were read as U+FFFD and a service named "\uFFFD\uFFFD" was stored.
    for (const [path, json] of [
      ['/event', '{"service":"\xff\xfe","message":"x"}'],
      ['/heartbeat', '{"service":"a","alertType":"log","alertTarget":"ops\xc3","nextIn":60}'],
    ] as const) {
      for (const type of ['application/json', 'application/x-www-form-urlencoded', '']) {
        const response = await t.app.request(path, {
          method: 'POST',
          headers: { password: PASSWORD, ...(type ? { 'content-type': type } : {}) },
          body: Buffer.from(json, 'latin1'),
        });
        expect(response.status, `${path} ${type}`).toBe(400);
        expect(await response.json()).toMatchObject({ code: 'VALIDATION_FAILED', hint: 'the body is not valid UTF-8' });
      }
    }
    expect(await countRows(t)).toEqual({ heartbeats: 0, events: 0, alerts: 0 });
  });

  it('refuses a service name that starts with a byte-order mark, storing nothing', async () => {
    // Found by the request property on PGlite: it drops a leading U+FEFF from every text it
    // returns, so the stored pulse came back under another name and was answered with 500.
    const pulse = { service: '\uFEFFbackup', alertType: 'log', alertTarget: 'ops', nextIn: 60 };
    const answers = [
      await t.call('POST', '/heartbeat', pulse),
      await t.call('POST', '/event', { service: pulse.service, message: 'x' }),
      await t.call('GET', '/heartbeat/%EF%BB%BFbackup'),
    ];
    for (const response of answers) {
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ hint: 'service must not start with U+FEFF (a byte-order mark)' });
    }
    expect(await countRows(t)).toEqual({ heartbeats: 0, events: 0, alerts: 0 });
  });

  it('refuses a cursor dated before the year 1 or after the year 9999 with 400 naming before', async () => {
    // Found by the query property: such a date reached the database, which refused it (500).
    for (const dateMs of [YEAR_0_MS, -62_135_596_800_001, YEAR_10000_MS, -8.64e15, 8.64e15]) {
      const before = Buffer.from(`${dateMs}:0`).toString('base64url');
      const response = await t.call('GET', `/events?before=${before}`);
      expect(response.status, `${dateMs}`).toBe(400);
      expect(await response.json()).toMatchObject({
        code: 'VALIDATION_FAILED',
        hint: expect.stringMatching(/^before must be the cursor .*outside the years 1 to 9999/),
      });
    }
  });

  it('stores a batch of events whole, in the order sent, or not at all', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(eventBatch, async (body) => {
        const before = await countRows(t);
        const response = await t.call('POST', '/events/batch', body);
        const after = await countRows(t);
        const context = `${JSON.stringify(body)} → ${response.status}`;
        await checkAnswer(new Request('http://host/events/batch', { method: 'POST' }), response.clone(), before, after);
        if (response.status !== 200) return;
        const { ids } = (await response.json()) as { ids: number[] };
        expect(after.events - before.events, context).toBe(body.events.length);
        expect(ids, context).toEqual([...ids].sort((a, b) => a - b));
        // Read back as hex: PGlite drops a leading U+FEFF from the text it answers.
        const stored = await t.storage.query<{ service: string; message: string }>(
          "select encode(convert_to(service, 'UTF8'), 'hex') as service, encode(convert_to(message, 'UTF8'), 'hex') as message from events where id = any($1::bigint[]) order by id",
          [ids],
        );
        const hex = (text: unknown) => Buffer.from(String(text)).toString('hex');
        expect(
          stored.map((row) => [row.service, row.message]),
          context,
        ).toEqual(body.events.map((event) => [hex(event.service), hex(event.message)]));
      }),
      runs(300),
    );
  });

  it('no event or alert query answers 5xx', { timeout: 120_000 }, async () => {
    for (let i = 0; i < 30; i++) {
      await t.call('POST', '/event', { service: SERVICES[i % SERVICES.length], level: i % 60, message: `event ${i} %_\\` });
    }
    const listRequest = fc.record({
      method: fc.constant('GET'),
      path: fc.tuple(fc.constantFrom(...LIST_PATHS), query).map(([path, search]) => `${path}?${search}`),
      headers: fc.constant<Array<[string, string]>>([['password', PASSWORD]]),
      body: fc.constant(undefined),
    });
    await fc.assert(
      fc.asyncProperty(listRequest, async (given) => {
        const request = buildRequest(given)!;
        const before = await countRows(t);
        const response = await t.app.request(request);
        await checkAnswer(request, response, before, await countRows(t));
      }),
      runs(800),
    );
  });
});

// ---- raw bytes over HTTP -------------------------------------------------------------

/**
 * Node's HTTP parser and the Hono adapter refuse some requests before the application sees
 * them (malformed framing, bytes not allowed in a header, a missing Host, an unknown
 * Expect): a bare 4xx. The server itself answers the parser's refusals with the protocol's
 * JSON error (see answerClientErrors, tested below); this harness serves the bare app.
 */
const BARE_REFUSALS = [400, 413, 414, 417, 431, 505];

function checkRawAnswer(answer: RawAnswer, context: string, isHead: boolean, path: string): void {
  expect(answer.status, context).toBeLessThan(500);
  if (answer.status < 300 || answer.status === 100 || answer.status === 101) return;
  if (answer.body.length === 0 && !answer.headers.has('x-request-id')) {
    expect(BARE_REFUSALS, context).toContain(answer.status);
    return;
  }
  if (answer.status >= 300 && answer.status < 400) {
    expect(resolvedLocation(answer.headers.get('location'), path), context).toBe(redirectOf(path));
    return;
  }
  if (isHead) {
    expect(answer.headers.get('x-request-id'), context).toBeTruthy();
    return;
  }
  const body = answer.body.toString('utf8');
  if (checkPingAnswer(path, answer.status, answer.headers.get('content-type'), body, context)) return;
  if (checkBadgeAnswer(path, answer.status, answer.headers.get('content-type'), body, context)) return;
  if (checkReferenceAnswer(path, answer.status, answer.headers.get('content-type'), body, context)) return;
  if (checkExportAnswer(path, answer.status, answer.headers.get('content-type'), body, context)) return;
  const json = JSON.parse(body) as Record<string, unknown>;
  expect(json, context).toEqual({
    result: answer.status,
    hint: expect.stringMatching(/\S/),
    code: expect.stringMatching(new RegExp(`^(${ERROR_CODES.join('|')})$`)),
    requestId: answer.headers.get('x-request-id'),
  });
}

/**
 * Serves the app on loopback and records what the application answered to each request it
 * was handed, including answers lost when Node's parser closed the connection over garbage
 * that followed a valid request, or when the client hung up.
 */
async function serveRecording(t: TestApp) {
  const handled: number[] = [];
  let inFlight = 0;
  const port = await freePort();
  const server = serve({
    fetch: async (request, env) => {
      inFlight++;
      try {
        const response = await t.app.fetch(request, env);
        handled.push(response.status);
        return response;
      } finally {
        inFlight--;
      }
    },
    port,
    hostname: '127.0.0.1',
  });
  await once(server, 'listening');
  return {
    port,
    handled,
    settled: () => expect.poll(() => inFlight, { timeout: 10_000 }).toBe(0),
    close: () => {
      server.close();
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
    },
  };
}

describe.each(DATABASE_KINDS)('raw HTTP fuzzing on %s', (kind) => {
  const t = useTestApp(kind, {
    configure: (config) => {
      config.alerts.allowPrivateTargets = true;
    },
  });

  it('no bytes on the wire make the server answer 5xx, crash, or store a refused request', { timeout: 180_000 }, async () => {
    const served = await serveRecording(t);
    try {
      await fc.assert(
        fc.asyncProperty(rawRequest, async (request) => {
          fc.pre(!opensRawStream(request.method, request.target));
          const context = JSON.stringify(request.bytes.toString('latin1').slice(0, 400));
          served.handled.length = 0;
          const before = await countRows(t);
          const answers = parseAnswers(await exchange(served.port, request.bytes), request.method === 'HEAD');
          for (const answer of answers) {
            const isHead = request.method === 'HEAD' && answer === answers.find((a) => a.status >= 200);
            checkRawAnswer(answer, context, isHead, request.target.split('?')[0]!);
          }
          await served.settled();
          expect(
            served.handled.filter((status) => status >= 500),
            context,
          ).toEqual([]);
          if (served.handled.every((status) => status >= 300)) expect(await countRows(t), context).toEqual(before);
        }),
        runs(400),
      );
      const health = await fetch(`http://127.0.0.1:${served.port}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      served.close();
    }
  });

  it('answers a request whose body the client cut short as a bad request, not as a database outage', async () => {
    // Found over raw HTTP: the read failed with ECONNRESET, which the error handler took for the database's.
    const served = await serveRecording(t);
    try {
      const head = `POST /event HTTP/1.1\r\nHost: 127.0.0.1\r\npassword: ${PASSWORD}\r\ncontent-type: application/json\r\n`;
      await exchange(served.port, bytesOf(`${head}content-length: 100\r\n\r\n{"service":"a"`));
      await exchange(served.port, bytesOf(`${head}transfer-encoding: chunked\r\n\r\n5\r\n{"ser\r\nzz\r\n`));
      await served.settled();
      expect(served.handled).toEqual([400, 400]);
      expect(await countRows(t)).toEqual({ heartbeats: 0, events: 0, alerts: 0 });
    } finally {
      served.close();
    }
  });
});

describe('bytes that are not HTTP', () => {
  it("answers them with the protocol's JSON error, not a bare status line", async () => {
    const port = await freePort();
    const server = serve({ fetch: () => new Response('unreachable'), port, hostname: '127.0.0.1' });
    answerClientErrors(server);
    await once(server, 'listening');
    try {
      const { connect } = await import('node:net');
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.end('GET / HTTP/1.1\r\nHost: x\r\nBad\u0000Header: 1\r\n\r\n'));
        let text = '';
        socket.on('data', (chunk) => (text += chunk.toString('utf8')));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
      expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
      expect(body).toMatchObject({ result: 400, code: 'VALIDATION_FAILED', hint: expect.stringContaining('not valid HTTP') });
    } finally {
      server.close();
    }
  });
});
