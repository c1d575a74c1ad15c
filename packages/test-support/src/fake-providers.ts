import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request as the fake received it. */
export interface RecordedRequest {
  method: string;
  /** The path with its query string. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The body as sent (what a webhook signature covers). */
  rawBody: string;
  /** The body parsed as JSON or as a form, or the raw text when it is neither. */
  body: unknown;
  /** `Date.now()` when the whole request had arrived. */
  at: number;
  /**
   * What the fake did with it: the status it answered, `dropped` when it cut the
   * connection, `client-gone` when the sender went away before a slowed answer.
   */
  answer: number | 'dropped' | 'client-gone';
}

export type Failure = 500 | 'drop';

/** Which requests an outage hits: a path prefix, or a test over the request. */
export type Match = string | ((request: RecordedRequest) => boolean);

interface Outage {
  match: Match;
  failure: Failure;
  /** Requests still to fail; undefined when the outage is bounded by time. */
  remaining?: number;
  /** Fails until this `Date.now()`; undefined when bounded by count. */
  until?: number;
}

export interface FakeProviders {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  readonly url: string;
  /** Every request so far, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** The requests whose path starts with `prefix`. */
  requestsTo(prefix: string): RecordedRequest[];
  /** Answers the next `count` matching requests with `failure` (500, or a dropped connection). */
  failNext(match: Match, count: number, failure?: Failure): void;
  /** Answers every matching request with `failure` until `Date.now()` reaches `until`. */
  failUntil(match: Match, until: number, failure?: Failure): void;
  /** Holds the (successful) answer to every matching request for `ms`, as a slow provider. */
  slowDown(match: Match, ms: number): void;
  /** Polls until `predicate` holds over the recorded requests; throws after `ms` with `what` and the log. */
  waitFor(what: string, predicate: (requests: readonly RecordedRequest[]) => boolean, ms?: number): Promise<void>;
  close(): Promise<void>;
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw === '') return undefined;
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(raw));
  }
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/**
 * One HTTP server standing in for every provider: Pushover at `POST /1/messages.json`,
 * Resend at `POST /emails`, and Slack or webhook receivers at any other path. It answers
 * as the real ones do on success, records everything, and fails on request.
 */
export async function startFakeProviders(): Promise<FakeProviders> {
  const requests: RecordedRequest[] = [];
  const outages: Outage[] = [];
  const slowdowns: Array<{ match: Match; ms: number }> = [];
  const matches = (match: Match, request: RecordedRequest) => (typeof match === 'string' ? request.path.startsWith(match) : match(request));
  const sockets = new Set<Socket>();

  function failureFor(request: RecordedRequest): Failure | undefined {
    const now = Date.now();
    for (const outage of outages) {
      if (!matches(outage.match, request)) continue;
      if (outage.remaining !== undefined && outage.remaining > 0) {
        outage.remaining -= 1;
        return outage.failure;
      }
      if (outage.until !== undefined && now < outage.until) return outage.failure;
    }
    return undefined;
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = Date.now();
      const path = req.url ?? '/';
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const record: RecordedRequest = {
        method: req.method ?? '',
        path,
        headers: req.headers,
        rawBody,
        body: parseBody(rawBody, req.headers['content-type']),
        at,
        answer: 200,
      };
      requests.push(record);
      const failure = failureFor(record);
      if (failure === 'drop') {
        record.answer = 'dropped';
        req.socket.destroy();
        return;
      }
      if (failure === 500) {
        record.answer = 500;
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'fake outage', statusCode: 500, name: 'internal_server_error' }));
        return;
      }
      const answer = () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        if (req.method === 'POST' && path.split('?')[0] === '/1/messages.json') {
          res.end(JSON.stringify({ status: 1, request: randomUUID() }));
        } else if (req.method === 'POST' && path.split('?')[0] === '/emails') {
          res.end(JSON.stringify({ id: randomUUID() }));
        } else {
          res.end(JSON.stringify({ ok: true }));
        }
      };
      const slow = slowdowns.find((slowdown) => matches(slowdown.match, record));
      if (!slow) {
        answer();
        return;
      }
      const timer = setTimeout(answer, slow.ms);
      res.once('close', () => {
        if (res.writableFinished) return;
        clearTimeout(timer);
        record.answer = 'client-gone';
      });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((listening, failed) => {
    server.once('error', failed);
    server.listen(0, '127.0.0.1', () => listening());
  });
  const { port } = server.address() as AddressInfo;

  const describe = () =>
    requests.map((r) => `  ${new Date(r.at).toISOString()} ${r.method} ${r.path} -> ${r.answer}`).join('\n') || '  (none)';

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    requestsTo: (prefix) => requests.filter((r) => r.path.startsWith(prefix)),
    failNext: (match, count, failure = 500) => {
      outages.push({ match, failure, remaining: count });
    },
    failUntil: (match, until, failure = 500) => {
      outages.push({ match, failure, until });
    },
    slowDown: (match, ms) => {
      slowdowns.push({ match, ms });
    },
    waitFor: async (what, predicate, ms = 5_000) => {
      const deadline = Date.now() + ms;
      for (;;) {
        if (predicate(requests)) return;
        if (Date.now() >= deadline) {
          throw new Error(`waited ${ms} ms for ${what}; the fake providers received:\n${describe()}`);
        }
        await new Promise((wait) => setTimeout(wait, 10));
      }
    },
    close: () =>
      new Promise<void>((closed) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => closed());
      }),
  };
}
