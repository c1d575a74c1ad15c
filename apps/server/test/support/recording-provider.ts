import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeliveryContext } from '../../src/channels/channel.js';
import { classifyAddress, resolveWithSystem } from '../../src/channels/private-address.js';
import type { AlertRow } from '../../src/db/schema.js';
import { silentLogger } from '../../src/lib/logger.js';

/** One request as a provider received it. */
export interface RecordedRequest {
  method: string;
  /** The path and query, as sent (still percent-encoded). */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/**
 * A provider on 127.0.0.1 that records every request and answers with the next scripted
 * status (then `defaultStatus`), with a small JSON body.
 */
export function startRecordingProvider(defaultStatus = 200) {
  const received: RecordedRequest[] = [];
  const script: Array<{ status: number; body?: string }> = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      received.push({ method: request.method ?? '', url: request.url ?? '/', headers: request.headers, body, json });
      const { status, body: answer = JSON.stringify({ status }) } = script.shift() ?? { status: defaultStatus };
      response.writeHead(status, { 'content-type': 'application/json' }).end(answer);
    });
  });
  return {
    received,
    /** The statuses of the next answers, in order. */
    answerWith: (...statuses: number[]) => script.push(...statuses.map((status) => ({ status }))),
    /** The next answer's status and body. */
    answerWithBody: (status: number, body: string) => script.push({ status, body }),
    reset: () => {
      received.length = 0;
      script.length = 0;
    },
    start: () => new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done())),
    stop: () => new Promise<void>((done) => server.close(() => done())),
    get base() {
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
  };
}

/** A delivery context that may reach loopback, as a server with WATCHTOWER_ALLOW_PRIVATE_TARGETS=1. */
export const loopbackContext: DeliveryContext = {
  log: silentLogger,
  timeoutMs: 5_000,
  checkAddress: async () => {},
  connections: { resolveHost: resolveWithSystem, allowPrivateTargets: true, classify: classifyAddress },
};

/** As loopbackContext, in a test network where 127.0.0.1 plays a public host: its words are kept in errors. */
export const publicLoopbackContext: DeliveryContext = {
  ...loopbackContext,
  connections: {
    resolveHost: resolveWithSystem,
    allowPrivateTargets: true,
    classify: (address) => (address === '127.0.0.1' ? { range: 'unicast', isPublic: true } : classifyAddress(address)),
  },
};

/** A server that refuses private targets: saving settings that point at loopback fails. */
export const publicOnlyContext: Pick<DeliveryContext, 'checkAddress'> = {
  checkAddress: async (url) => {
    throw new Error(`${url.hostname} is a private or reserved address (loopback)`);
  },
};

const RAISED_AT = new Date(Date.UTC(2026, 0, 1, 12, 0, 0));
const at = (secondsBefore: number) => RAISED_AT.getTime() / 1000 - secondsBefore;

const SAMPLE_DETAILS: Record<AlertRow['kind'], Record<string, unknown>> = {
  down: { last: at(3_900), expected: at(300), nextIn: 3_600, message: 'nightly run' },
  recovered: { last: at(3_900), expected: at(300), back: at(0) },
  failed: { runId: 'r-1', exitCode: 3, message: 'disk full', started: at(120), ended: at(0) },
  late: { last: at(3_000), expected: at(-600), warnBefore: 900, message: 'nightly run' },
  reminder: { diedAt: at(7_200), reminder: 2, last: at(10_800), expected: at(7_200) },
  event: { eventId: 'e-1', level: 40, message: 'payment failed', date: at(1) },
};

/** An alert row as the sender hands it to a channel, raised at 2026-01-01T12:00:00Z. */
export function sampleAlert(kind: AlertRow['kind'], overrides: Partial<AlertRow> = {}): AlertRow {
  return {
    id: `alert-${kind}-1`,
    kind,
    service: 'backup',
    channel: 'named',
    target: '',
    channelName: 'ops',
    details: SAMPLE_DETAILS[kind],
    status: 'pending',
    attempts: 0,
    nextAttemptAt: RAISED_AT,
    lastError: null,
    claimToken: null,
    createdAt: RAISED_AT,
    sentAt: null,
    ...overrides,
  };
}

/** A service name made to break every markup: formatting, links, mentions, HTML. */
export const HOSTILE_SERVICE = 'db_1 *x* <b>&</b> @everyone [a](http://e.example) `c` #1.';
