import { LIMITS, MAX_LEVEL, ROUTES } from '@watchtower/protocol';
import fc from 'fast-check';
import { connect } from 'node:net';
import { presentedSecret } from '../../src/http/auth.js';
import { PASSWORD } from './test-app.js';

// Requests for fuzzing the server: through the Fetch API (app.request) and as raw bytes on
// a socket. Every route of ROUTES is a target, so a new route is fuzzed without a change here.

const API = Object.entries(ROUTES).flatMap(([name, route]) => route.paths.map((path) => ({ name, method: route.method, path })));

/** A route's path with each parameter replaced by `param`; a badge keeps its format (`:service{[^/]+\.svg}` → `<param>.svg`). */
const fillPath = (path: string, param: string) =>
  path.replace(/:\w+(?:\{[^}]*\\\.(\w+)\})?/g, (_, format?: string) => (format ? `${param}.${format}` : param));

export const STREAM_PATHS: readonly string[] = ROUTES.stream.paths;
export const LIST_PATHS: readonly string[] = [...ROUTES.listEvents.paths, ...ROUTES.listAlerts.paths];
export const SERVICES = ['backup', 'db', 'ünï', '🙂'];

export const YEAR_0_MS = -62_167_219_200_000;
export const YEAR_10000_MS = 253_402_300_800_000;

// ---- text ----------------------------------------------------------------------------

const loneSurrogate = fc
  .tuple(fc.string({ maxLength: 4 }), fc.integer({ min: 0xd800, max: 0xdfff }), fc.string({ maxLength: 4 }))
  .map(([before, half, after]) => `${before}${String.fromCharCode(half)}${after}`);

const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: loneSurrogate },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\u0000',
      'null',
      '%',
      '%_\\',
      '\uFEFF',
      '\u202E',
      'a'.repeat(201),
      'x'.repeat(LIMITS.eventMessageMaxLength + 1),
    ),
  },
);

/** Percent-encodes the UTF-8 of a string (lone surrogates become U+FFFD, as a client would send). */
const percentEncode = (value: string) =>
  [...Buffer.from(value, 'utf8')]
    .map((byte) =>
      /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');

const rawPercentBytes = fc
  .uint8Array({ minLength: 1, maxLength: 8 })
  .map((bytes) => [...bytes].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join(''));

// ---- values --------------------------------------------------------------------------

const number = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -0, 1e308, -1e308, 5e-324, 2 ** 53, 2 ** 63, LIMITS.nextInMaxSeconds, MAX_LEVEL, MAX_LEVEL + 1),
);
const numericText = fc.oneof(
  number.map(String),
  fc.constantFrom(...['1e400', '-1e400', '123456789012345678901234567890', '0x10', '1_000', ' 5 ', '+7', '.5', '5.', 'NaN', 'Infinity']),
);
const value: fc.Arbitrary<unknown> = fc.oneof(text, number, numericText, fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 3 }));

const service = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...SERVICES) }, { weight: 1, arbitrary: text });
const fieldName = fc.oneof(
  fc.constantFrom('service', 'alertType', 'alertTarget', 'nextIn', 'level', 'message', 'alert', '__proto__', 'constructor'),
  text,
);
const looseBody = fc.dictionary(fieldName, value, { maxKeys: 6 });
const validPulse = fc.record({
  service,
  alertType: fc.oneof({ weight: 4, arbitrary: fc.constant('log') }, fc.constantFrom('slack', 'webhook', 'email')),
  alertTarget: fc.constantFrom('ops', 'http://127.0.0.1:9/hook', 'https://example.com/x'),
  nextIn: fc.oneof(fc.integer({ min: 1, max: 3600 }), fc.constantFrom('60', '0.5', '1e3')),
});
const validEvent = fc.record(
  {
    service,
    level: fc.constantFrom('info', 'error', 'CRITICAL', 30, '7'),
    message: fc.string({ maxLength: 40 }),
    alert: fc.constantFrom(true, false, 'true', '0'),
  },
  { requiredKeys: ['service', 'message'] },
);
const validCancel = fc.record({ service });
/** A batch of events: mostly valid ones, some with a field replaced, added or broken. */
export const eventBatch = fc.record({
  events: fc.array(
    fc.oneof(
      { weight: 6, arbitrary: validEvent },
      {
        weight: 1,
        arbitrary: fc
          .tuple(validEvent, fc.dictionary(fieldName, value, { minKeys: 1, maxKeys: 2 }))
          .map(([event, changes]): Record<string, unknown> => ({ ...event, ...changes })),
      },
    ),
    { maxLength: 6 },
  ),
});
const VALID_BODIES: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  pulse: validPulse,
  cancel: validCancel,
  addEvent: validEvent,
  addEvents: eventBatch,
};
/** Valid bodies (of the route's call, when it takes one), and such bodies with a few fields replaced, added or broken. */
const nearValidBodyFor = (call: string) => {
  const valid = VALID_BODIES[call] ?? fc.oneof(validPulse, validEvent, validCancel);
  return fc.oneof(
    { weight: 2, arbitrary: valid },
    {
      weight: 1,
      arbitrary: fc
        .tuple(valid, fc.dictionary(fieldName, value, { minKeys: 1, maxKeys: 2 }))
        .map(([body, changes]): Record<string, unknown> => ({ ...body, ...changes })),
    },
  );
};
const nearValidBody = nearValidBodyFor('');

// A pulse and an event at once, open for one more field (which replaces its namesake).
const VALID_PREFIX = '{"service":"backup","alertType":"log","alertTarget":"ops","nextIn":60,"message":"m"';
// Number literals JSON.stringify never writes.
const HUGE_LITERALS = ['1e400', '-1e400', '123456789012345678901234567890', `0.${'0'.repeat(400)}1`, `1${'0'.repeat(400)}`, '-0'];
const hugeNumberJson = fc
  .tuple(fc.constantFrom(...HUGE_LITERALS), fc.constantFrom('nextIn', 'level', 'service', 'message', 'alert'))
  .map(([literal, field]) => `${VALID_PREFIX},"${field}":${literal}}`);
const escapedSurrogateJson = fc
  .tuple(fc.constantFrom('service', 'message', 'alertTarget', 'alertType'), fc.integer({ min: 0xd800, max: 0xdfff }))
  .map(([field, half]) => `${VALID_PREFIX},"${field}":"a\\u${half.toString(16)}b"}`);
const jsonText = fc.oneof(nearValidBody, looseBody, fc.jsonValue()).map((body) => JSON.stringify(body) ?? '');
const brokenJson = jsonText.chain((json) =>
  fc.oneof(
    fc.nat(json.length).map((cut) => json.slice(0, cut)),
    fc
      .tuple(fc.nat(json.length), fc.constantFrom(',', '}', '"', '\\', '\u0000', '{', 'NaN'))
      .map(([at, junk]) => json.slice(0, at) + junk + json.slice(at)),
  ),
);
// A form field as a client writes it; an object may have no prototype, which String() cannot convert.
const formText = (field: unknown) => (typeof field === 'object' && field !== null ? JSON.stringify(field) : String(field));
const formBody = (call: string) =>
  fc.oneof(nearValidBodyFor(call), looseBody).map((body) =>
    Object.entries(body)
      .map(([key, field]) => `${percentEncode(key)}=${percentEncode(formText(field))}`)
      .join('&'),
  );
const nested = fc
  .integer({ min: 100, max: 20_000 })
  .chain((depth) =>
    fc.constantFrom(`${'['.repeat(depth)}${']'.repeat(depth)}`, `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`, '['.repeat(depth)),
  );
const oversized = fc.constantFrom(
  ' '.repeat(LIMITS.bodyMaxBytes + 1),
  JSON.stringify({ service: 'backup', message: 'm'.repeat(LIMITS.bodyMaxBytes) }),
);

/** A valid body whose first string value holds bytes that are not UTF-8. */
const notUtf8Body = (call: string) =>
  fc
    .tuple(
      VALID_BODIES[call] ?? fc.oneof(validPulse, validEvent, validCancel),
      fc.uint8Array({ minLength: 1, maxLength: 6, min: 0x80, max: 0xff }),
    )
    .map(([valid, junk]) => {
      const json = Buffer.from(JSON.stringify(valid));
      const at = json.indexOf('"', json.indexOf(':')) + 1;
      return Buffer.concat([json.subarray(0, at), Buffer.from(junk), json.subarray(at)]);
    });

const bodyFor = (call: string): fc.Arbitrary<string | Uint8Array> =>
  fc.oneof(
    { weight: 16, arbitrary: nearValidBodyFor(call).map((b) => JSON.stringify(b)) },
    { weight: 2, arbitrary: jsonText },
    { weight: 2, arbitrary: brokenJson },
    { weight: 1, arbitrary: hugeNumberJson },
    { weight: 1, arbitrary: escapedSurrogateJson },
    { weight: 3, arbitrary: formBody(call) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 120 }) },
    { weight: 2, arbitrary: notUtf8Body(call) },
    { weight: 1, arbitrary: nested },
    { weight: 1, arbitrary: oversized },
  );

// ---- headers -------------------------------------------------------------------------

// What the Fetch API lets a client put in a header value (raw sockets send the rest).
const headerValue = fc.string({
  unit: fc
    .oneof(
      { weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
      { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
      { weight: 1, arbitrary: fc.constantFrom(0x09, 0x7f) },
    )
    .map((code) => String.fromCharCode(code)),
  maxLength: 40,
});

export const credentials: fc.Arbitrary<Array<[string, string]>> = fc.oneof(
  { weight: 16, arbitrary: fc.constant<Array<[string, string]>>([['password', PASSWORD]]) },
  { weight: 2, arbitrary: fc.constant<Array<[string, string]>>([['authorization', `Bearer ${PASSWORD}`]]) },
  { weight: 2, arbitrary: fc.constant<Array<[string, string]>>([]) },
  { weight: 2, arbitrary: headerValue.map((v): Array<[string, string]> => [['password', v]]) },
  {
    weight: 2,
    arbitrary: fc
      .oneof(
        fc.constantFrom(
          `bearer ${PASSWORD}`,
          `Bearer    ${PASSWORD}`,
          `Bearer ${PASSWORD} extra`,
          `Bearer ${PASSWORD.toUpperCase()}`,
          'Bearer',
          'Bearer ',
          `Basic ${Buffer.from(`x:${PASSWORD}`).toString('base64')}`,
          PASSWORD,
        ),
        headerValue.map((v) => `Bearer ${v}`),
        headerValue,
      )
      .map((v): Array<[string, string]> => [['authorization', v]]),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(headerValue, fc.constantFrom(`Bearer ${PASSWORD}`, 'Bearer wrong')).map(
      ([password, authorization]): Array<[string, string]> => [
        ['password', password],
        ['authorization', authorization],
      ],
    ),
  },
);

const contentType = fc.option(
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('application/json', 'application/x-www-form-urlencoded') },
    fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'application/vnd.api+json',
      'application/x-www-form-urlencoded',
      'text/plain',
      'multipart/form-data; boundary=x',
      'application/xml',
      ';',
      '',
    ),
    headerValue,
  ),
);

export const otherHeader = fc.oneof(
  fc.tuple(fc.constant('accept'), fc.oneof(fc.constantFrom('text/html', '*/*', 'application/json'), headerValue)),
  fc.tuple(fc.constant('x-request-id'), fc.oneof(fc.stringMatching(/^[A-Za-z0-9._-]{1,80}$/), headerValue)),
  fc.tuple(fc.constant('content-length'), fc.oneof(fc.constantFrom('0', '-1', '1e9', '99999999999999999999', 'abc'), headerValue)),
  fc.tuple(fc.constantFrom('origin', 'idempotency-key', 'x-forwarded-for', 'cookie', 'range'), headerValue),
  fc.tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/), headerValue),
);

// ---- paths and queries ---------------------------------------------------------------

const segment = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SERVICES.map(percentEncode)) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      ...['.', '..', '%2e%2e', '%2E', '%2F', '%2f..%2f', '%00', '%07', '%ff', '%ED%A0%80', '%', '%zz', '%25', '~', '%20', ''],
    ),
  },
  { weight: 2, arbitrary: text.map(percentEncode) },
  { weight: 1, arbitrary: rawPercentBytes },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.integer({ min: 201, max: 20_000 }).map((length) => 'n'.repeat(length)) },
);

const cursorDate = fc.oneof(
  fc.integer({ min: -8.64e15, max: 8.64e15 }),
  fc.constantFrom(
    ...[YEAR_0_MS, YEAR_10000_MS, -62_135_596_800_001, -62_135_596_800_000, 253_402_300_799_999, -8.64e15 - 1],
    // biome-ignore lint/correctness/noPrecisionLoss: a number past 2^53 on purpose; its exact value does not matter
    9_999_999_999_999_999,
  ),
  fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 }),
);
const cursorId = fc.oneof(
  fc.integer().map(String),
  fc.constantFrom('-1', '0', String(2 ** 53), String(2 ** 53 + 1), '9223372036854775807', '9223372036854775808', '1'.repeat(17)),
);
const cursor = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.tuple(cursorDate, cursorId).map(([date, id]) => Buffer.from(`${date}:${id}`).toString('base64url')),
  },
  { weight: 1, arbitrary: text.map((t) => Buffer.from(t).toString('base64url')) },
  { weight: 1, arbitrary: fc.base64String({ maxLength: 40 }) },
  { weight: 1, arbitrary: text },
);
const filterValue = fc.oneof(
  numericText,
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  fc.constantFrom(
    ...['0000-01-01', '10000-01-01', '2026-02-30', '2026-01-01T00:00+99:99', '9999-12-31T23:59:59.9999Z'],
    ...['info', 'LOUD'],
  ),
  text,
  cursor,
);
const queryPair = fc.oneof(
  fc.tuple(fc.constantFrom('service', 'from', 'to', 'level', 'message', 'limit', 'before'), filterValue),
  fc.tuple(fc.constant('before'), cursor),
  fc.tuple(text, text),
);
export const query = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .array(queryPair, { maxLength: 5 })
      .map((pairs) => pairs.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&')),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      ...['', '&', '=', 'before', 'limit', 'limit=1&limit=2', '%', '%zz=1', 'service=%ED%A0%80', 'message=%00', 'a=%'],
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.oneof(rawPercentBytes, fc.string({ unit: 'grapheme-ascii', maxLength: 10 })), { maxLength: 4 })
      .map((parts) => parts.join('')),
  },
);

const routePath = fc.constantFrom(...API).chain((route) =>
  fc.record({
    method: fc.oneof(
      { weight: 3, arbitrary: fc.constant<string>(route.method) },
      fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'HEAD', 'OPTIONS', 'get', 'Post', 'PROPFIND', 'FOO'),
    ),
    body: fc.option(bodyFor(route.name), { freq: 8 }),
    path: fc
      .tuple(segment, fc.option(query, { freq: LIST_PATHS.includes(route.path) ? 1 : 4 }))
      .map(([param, search]) => fillPath(route.path, param) + (search === null ? '' : `?${search}`)),
  }),
);
const strayPath = fc.record({
  method: fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'HEAD', 'OPTIONS'),
  body: fc.option(bodyFor(''), { freq: 8 }),
  path: fc
    .tuple(
      fc.constantFrom('', '/heartbeat', '/get', '/events', '/alerts', '/gui', '/healthz', '/stream', '/api'),
      fc.array(segment, { minLength: 1, maxLength: 5 }),
      fc.option(query),
    )
    .map(([prefix, segments, search]) => `${prefix}/${segments.join('/')}${search === null ? '' : `?${search}`}`),
});

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Array<[string, string]>;
  body: string | Uint8Array | undefined;
}

export const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    target: fc.oneof({ weight: 4, arbitrary: routePath }, { weight: 1, arbitrary: strayPath }),
    credentials,
    contentType,
    others: fc.array(otherHeader, { maxLength: 3 }),
  })
  .map(({ target, credentials, contentType, others }) => ({
    method: target.method,
    path: target.path,
    headers: [...credentials, ...(contentType === null ? [] : [['content-type', contentType] as [string, string]]), ...others],
    body: target.body ?? undefined,
  }));

/** The Request a client would send, or null when the Fetch API itself refuses to build it. */
export function buildRequest(given: FuzzRequest): Request | null {
  const headers = new Headers();
  for (const [name, headerText] of given.headers) {
    try {
      headers.append(name, headerText);
    } catch {
      // A value no client could send; the raw-socket property sends such bytes.
    }
  }
  try {
    const bodyless = ['GET', 'HEAD'].includes(given.method.toUpperCase());
    return new Request(new URL(given.path, 'http://localhost'), {
      method: given.method,
      headers,
      ...(bodyless || given.body === undefined ? {} : { body: given.body }),
    });
  } catch {
    return null;
  }
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** An authorised GET or HEAD of the live stream: it never ends, and is fuzzed apart. */
export function opensStream(request: Request): boolean {
  const path = safeDecode(new URL(request.url).pathname).replace(/\/+$/, '');
  return (
    ['GET', 'HEAD'].includes(request.method) &&
    STREAM_PATHS.some((stream) => stream.toLowerCase() === path.toLowerCase()) &&
    presentedSecret(request.headers) === PASSWORD
  );
}

// ---- raw bytes over HTTP -------------------------------------------------------------

export const bytesOf = (value: string) => Buffer.from(value, 'latin1');

/** Bytes no Fetch client sends: NUL, lone CR or LF, high bytes (invalid UTF-8 on their own). */
const rawText = (maxLength: number) =>
  fc
    .array(
      fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
        { weight: 2, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
        { weight: 1, arbitrary: fc.constantFrom(0x00, 0x09, 0x0a, 0x0d, 0x7f) },
      ),
      { maxLength },
    )
    .map((codes) => String.fromCharCode(...codes));

const rawTarget = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.constantFrom(...API).chain((route) => segment.map((param) => fillPath(route.path, param))),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom(...API.map((route) => fillPath(route.path, ''))), rawText(12)).map(([path, junk]) => path + junk),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      ...['*', '', '//', 'http://evil.example/heartbeats', 'heartbeats', '/\\heartbeats', '/heartbeats\\x', '/%'],
      `/${'x'.repeat(20_000)}`,
    ),
  },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...LIST_PATHS), query).map(([path, search]) => `${path}?${search}`) },
);

const rawCredentials = fc.oneof(
  { weight: 14, arbitrary: fc.constant(`password: ${PASSWORD}\r\n`) },
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 2, arbitrary: rawText(30).map((v) => `password: ${v}\r\n`) },
  { weight: 1, arbitrary: rawText(30).map((v) => `authorization: Bearer ${v}\r\n`) },
  { weight: 1, arbitrary: fc.constant(`password: ${PASSWORD}\r\npassword: wrong\r\n`) },
  { weight: 1, arbitrary: fc.constant(`password:\r\n ${PASSWORD}\r\n`) },
);

const rawHeaderLine = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'content-type: application/json\r\n',
      'content-type: application/x-www-form-urlencoded\r\n',
      'accept: text/html\r\n',
    ),
  },
  fc
    .tuple(
      fc.constantFrom('x-request-id', 'accept', 'content-type', 'host', 'upgrade', 'connection', 'expect', 'x-forwarded-host'),
      rawText(30),
    )
    .map(([name, v]) => `${name}: ${v}\r\n`),
  fc.constantFrom(
    'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n',
    'Upgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n',
    'Expect: 100-continue\r\n',
    'content-type: application/json\r\n',
    'content-type: application/x-www-form-urlencoded\r\n',
    'Host: evil.example\r\n',
    'X-Fold: a\r\n b\r\n',
    ' leading-space: x\r\n',
    'no-colon\r\n',
    'bad name: x\r\n',
  ),
  rawText(40).map((line) => `${line}\r\n`),
);

const rawBody = fc.oneof(
  { weight: 3, arbitrary: fc.oneof(validPulse, validEvent, validCancel).map((body) => Buffer.from(JSON.stringify(body))) },
  { weight: 2, arbitrary: notUtf8Body('') },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)) },
  { weight: 1, arbitrary: bodyFor('').map((body) => Buffer.from(body)) },
);

/** How the body is framed: honestly, or in the ways request smuggling is tried. */
const framing = fc.oneof(
  { weight: 10, arbitrary: fc.constant({ kind: 'length' as const }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('chunked' as const), pieces: fc.integer({ min: 1, max: 4 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('lying' as const),
      headers: fc.constantFrom(
        'content-length: 5\r\n',
        'content-length: 100000\r\n',
        'content-length: -1\r\n',
        'content-length: abc\r\n',
        'content-length: 1, 2\r\n',
        'content-length: 5\r\ncontent-length: 6\r\n',
        'content-length: 99999999999999999999\r\n',
        'content-length: 4\r\ntransfer-encoding: chunked\r\n',
        'transfer-encoding: chunked\r\ncontent-length: 4\r\n',
        'transfer-encoding: chunked, identity\r\n',
        'transfer-encoding: identity, chunked\r\n',
        'transfer-encoding: xchunked\r\n',
        'transfer-encoding : chunked\r\n',
        'transfer-encoding:\tchunked\r\n',
        'transfer-encoding: chunked\r\ntransfer-encoding: identity\r\n',
        'Transfer-Encoding: CHUNKED\r\n',
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('bad-chunks' as const),
      chunks: fc.constantFrom(
        'zz\r\nabc\r\n0\r\n\r\n',
        'ffffffffffffffffff\r\nabc\r\n0\r\n\r\n',
        '-1\r\nabc\r\n0\r\n\r\n',
        '3;ext=1\r\nabc\r\n0\r\n\r\n',
        '3\r\nabcdef\r\n0\r\n\r\n',
        '3\nabc\n0\n\n',
        '3\r\nabc',
        '0\r\nX-Trailer: 1\r\n\r\n',
        '2\r\n{}\r\n0\r\n\r\nGET /heartbeats HTTP/1.1\r\nHost: x\r\n\r\n',
        ' 3\r\nabc\r\n0\r\n\r\n',
        '3 \r\nabc\r\n0\r\n\r\n',
      ),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
);

/** A second request on the same connection, as a smuggling attempt would leave behind. */
const smuggled = fc.option(
  fc.constantFrom(
    'GET /heartbeats HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
    'POST /event HTTP/1.1\r\nHost: 127.0.0.1\r\npassword: wrong\r\ncontent-type: application/json\r\n' +
      'content-length: 32\r\n\r\n{"service":"smug","message":"x"}',
    'G',
    '\r\n\r\n',
  ),
  { freq: 8 },
);

export const rawRequest = fc
  .record({
    method: fc.oneof(
      { weight: 20, arbitrary: fc.constantFrom('GET', 'POST', 'DELETE', 'HEAD', 'PUT', 'OPTIONS') },
      { weight: 1, arbitrary: fc.constantFrom('TRACE', 'CONNECT', 'PRI', 'get', 'M-SEARCH', 'G\u0000T', 'POST\tX', '') },
      { weight: 1, arbitrary: rawText(8) },
    ),
    target: rawTarget,
    version: fc.oneof(
      { weight: 40, arbitrary: fc.constant('HTTP/1.1') },
      fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'http/1.1', 'HTTP/1.1 x', ''),
    ),
    host: fc.oneof(
      { weight: 30, arbitrary: fc.constant('Host: 127.0.0.1\r\n') },
      fc.constantFrom('', 'Host: \r\n', 'Host: a b\r\n', 'Host: 127.0.0.1\r\nHost: evil\r\n', 'Host: [::1\r\n'),
    ),
    credentials: rawCredentials,
    others: fc.array(rawHeaderLine, { maxLength: 2 }),
    body: fc.option(rawBody, { freq: 3 }),
    framing,
    smuggled,
  })
  .map((r) => {
    let head = `${`${r.method} ${r.target} ${r.version}`.trimEnd()}\r\n${r.host}${r.credentials}${r.others.join('')}`;
    const body = r.body ?? Buffer.alloc(0);
    let payload: Buffer;
    switch (r.framing.kind) {
      case 'length':
        head += `content-length: ${body.length}\r\n`;
        payload = body;
        break;
      case 'chunked': {
        head += 'transfer-encoding: chunked\r\n';
        const size = Math.ceil(body.length / r.framing.pieces) || 1;
        const chunks: Buffer[] = [];
        for (let at = 0; at < body.length; at += size) {
          const piece = body.subarray(at, at + size);
          chunks.push(bytesOf(`${piece.length.toString(16)}\r\n`), piece, bytesOf('\r\n'));
        }
        payload = Buffer.concat([...chunks, bytesOf('0\r\n\r\n')]);
        break;
      }
      case 'lying':
        head += r.framing.headers;
        payload = body;
        break;
      case 'bad-chunks':
        head += 'transfer-encoding: chunked\r\n';
        payload = bytesOf(r.framing.chunks);
        break;
      case 'none':
        payload = body;
        break;
    }
    return {
      method: r.method,
      target: r.target,
      bytes: Buffer.concat([bytesOf(`${head}\r\n`), payload, bytesOf(r.smuggled ?? '')]),
    };
  });

export interface RawAnswer {
  status: number;
  headers: Map<string, string>;
  body: Buffer;
}

/** Sends bytes on a fresh connection, closes its sending side, and reads until the server closes. */
export function exchange(port: number, bytes: Buffer): Promise<Buffer> {
  return new Promise((done, failed) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => socket.end(bytes));
    const timer = setTimeout(() => {
      socket.destroy();
      failed(new Error('the server neither answered nor closed the connection within 10 s'));
    }, 10_000);
    socket.on('data', (chunk) => chunks.push(chunk));
    // A reset after the server refused the request is an answer too.
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      done(Buffer.concat(chunks));
    });
  });
}

/** Splits what came back into answers (the first may be to a HEAD, so without a body). */
export function parseAnswers(raw: Buffer, firstIsHead: boolean): RawAnswer[] {
  const answers: RawAnswer[] = [];
  let at = 0;
  while (at < raw.length) {
    const end = raw.indexOf('\r\n\r\n', at);
    if (end < 0) throw new Error(`an answer was cut short: ${JSON.stringify(raw.subarray(at).toString('latin1'))}`);
    const [statusLine = '', ...lines] = raw.subarray(at, end).toString('latin1').split('\r\n');
    const status = /^HTTP\/1\.1 (\d{3}) /.exec(statusLine);
    if (!status) throw new Error(`not an HTTP answer: ${JSON.stringify(statusLine)}`);
    const headers = new Map(
      lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
    );
    at = end + 4;
    let body: Buffer = Buffer.alloc(0);
    const code = Number(status[1]);
    const toHead = firstIsHead && answers.every((answer) => answer.status < 200);
    const bodyless = toHead || code === 204 || code === 304 || (code >= 100 && code < 200);
    if (!bodyless && headers.has('content-length')) {
      const length = Number(headers.get('content-length'));
      body = raw.subarray(at, at + length);
      at += length;
    } else if (!bodyless && headers.get('transfer-encoding') === 'chunked') {
      const pieces: Buffer[] = [];
      for (;;) {
        const lineEnd = raw.indexOf('\r\n', at);
        const size = Number.parseInt(raw.subarray(at, lineEnd).toString('latin1'), 16);
        at = lineEnd + 2;
        if (size === 0) break;
        pieces.push(raw.subarray(at, at + size));
        at += size + 2;
      }
      at += 2;
      body = Buffer.concat(pieces);
    }
    answers.push({ status: code, headers, body });
  }
  return answers;
}

/** An authorised GET or HEAD of the live stream never ends: it is fuzzed apart. */
export function opensRawStream(method: string, target: string): boolean {
  const path = safeDecode(target.split('?')[0]!).replace(/\/+$/, '');
  return /^(GET|HEAD)$/i.test(method) && STREAM_PATHS.some((stream) => stream.toLowerCase() === path.toLowerCase());
}
