import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import type { Readable } from 'node:stream';
import { Agent, buildConnector, request } from 'undici';
import { DeliveryError, type DeliveryContext, type ProviderAnswer } from './channel.js';
import { resolveTarget, type ConnectionPolicy } from './private-address.js';

/** The longest delivery error kept on an alert, and the longest excerpt of a provider's answer in it. */
const MAX_ERROR_CHARS = 400;
const MAX_EXCERPT_CHARS = 200;
/** How much of a refusal's body is read at most, to make the excerpt. */
const MAX_BODY_BYTES = 4096;

/** One line of at most `max` characters: control and format characters become spaces, runs of space one. */
export function excerptOf(text: string, max = MAX_EXCERPT_CHARS): string {
  const line = text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\s]+/gu, ' ').trim();
  const chars = Array.from(line);
  return chars.length <= max ? line : `${chars.slice(0, max - 1).join('')}…`;
}

/** A DeliveryError whose message is one bounded line, whatever a provider or the network said. */
export function createDeliveryError(message: string, options: { permanent?: boolean } = {}): DeliveryError {
  return new DeliveryError(excerptOf(message, MAX_ERROR_CHARS), options);
}

// A client error that a later attempt may get past: a time-out, a conflict, a lock, too early, too many.
const RETRYABLE_CLIENT_ERRORS = new Set([408, 409, 421, 423, 425, 429]);

/**
 * Whether an answer says the same request will never succeed: most 4xx (a wrong key, a
 * deleted webhook), and permanent redirects, since redirects are never followed.
 */
export function isPermanentStatus(status: number): boolean {
  if (status === 301 || status === 308) return true;
  return status >= 400 && status < 500 && !RETRYABLE_CLIENT_ERRORS.has(status);
}

/** One delivery's connections, each made only to an address checked as it is made. */
export interface GuardedConnections {
  readonly dispatcher: Agent;
  /** The address the connection reached, once it did. */
  readonly peer: string | undefined;
  /** Whether the connection reached a public address: only then are a provider's words kept. */
  readonly reachedPublic: boolean;
  /** Why no connection was made, when a name did not resolve or an address was refused. */
  readonly failure: string | undefined;
  close(): Promise<void>;
}

type LookupCallback = (error: Error | null, address: string | LookupAddress[], family?: number) => void;

// Why a connection was not made, by the error it failed with: a pooled dispatcher serves
// many deliveries at once, so the reason travels with the error, not with the dispatcher.
const refusals = new WeakMap<object, string>();

function refusalOfError(error: unknown): string | undefined {
  for (let cause = error; typeof cause === 'object' && cause !== null; cause = (cause as { cause?: unknown }).cause) {
    const refusal = refusals.get(cause);
    if (refusal) return refusal;
  }
  return undefined;
}

/**
 * An undici dispatcher whose sockets go only where `policy` allows: the lookup the socket
 * uses resolves and checks the name, so no second resolution can point it elsewhere, and
 * an IP literal (for which no lookup happens) is checked before connecting. Every new
 * connection is checked; `onPeer` and `onRefusal` are told of each.
 */
function guardedAgent(
  policy: ConnectionPolicy,
  timeoutMs: number,
  { onPeer, onRefusal, options }: { onPeer: (address: string) => void; onRefusal: (why: string) => void; options?: Agent.Options },
): Agent {
  const refuse = (error: Error, why: string): Error => {
    const reason = `no connection made: ${why}`;
    refusals.set(error, reason);
    onRefusal(reason);
    return error;
  };
  const lookup = (hostname: string, lookupOptions: { all?: boolean; family?: number | string }, callback: LookupCallback) => {
    const wanted = lookupOptions.family === 'IPv4' ? 4 : lookupOptions.family === 'IPv6' ? 6 : Number(lookupOptions.family ?? 0);
    resolveTarget(hostname, policy).then(
      (addresses) => {
        const entries = addresses
          .map((address) => ({ address, family: isIP(address) }))
          .filter((entry) => wanted === 0 || entry.family === wanted);
        const [first] = entries;
        if (!first) {
          const why = `${hostname} has no IPv${wanted} address`;
          callback(refuse(Object.assign(new Error(`no connection made: ${why}`), { code: 'ENOTFOUND' }), why), []);
        } else if (lookupOptions.all) callback(null, entries);
        else callback(null, first.address, first.family);
      },
      (error: Error) => callback(refuse(error, error.message), []),
    );
  };
  // The cast: net's LookupFunction is a set of overloads no single implementation matches.
  const connectChecked = buildConnector({ lookup: lookup as never, timeout: timeoutMs });
  const connectOnce: typeof connectChecked = (connectOptions, callback) =>
    connectChecked(connectOptions, (...args) => {
      if (args[1]?.remoteAddress) onPeer(args[1].remoteAddress);
      callback(...args);
    });
  return new Agent({
    ...options,
    connect: (connectOptions, callback) => {
      if (!isIP(connectOptions.hostname)) return connectOnce(connectOptions, callback);
      // Sockets look nothing up for an IP literal: it is checked here instead.
      resolveTarget(connectOptions.hostname, policy)
        .then(() => connectOnce(connectOptions, callback))
        .catch((error: Error) => callback(refuse(error, error.message), null));
    },
  });
}

/**
 * Guarded connections for one delivery, closed after it: `peer` is the address this
 * delivery's answer came from.
 */
export function openGuardedConnections(policy: ConnectionPolicy, timeoutMs: number): GuardedConnections {
  let peer: string | undefined;
  let failure: string | undefined;
  const dispatcher = guardedAgent(policy, timeoutMs, {
    onPeer: (address) => {
      peer = address;
    },
    onRefusal: (why) => {
      failure = why;
    },
  });
  return {
    dispatcher,
    get peer() {
      return peer;
    },
    get failure() {
      return failure;
    },
    get reachedPublic() {
      return peer !== undefined && policy.classify(peer).isPublic;
    },
    close: () => dispatcher.destroy(),
  };
}

/** Guarded connections kept open between deliveries, one dispatcher per origin. */
export interface ConnectionPool {
  /** The dispatcher for `url`'s origin, and whether every connection it made reached a public address. */
  connectionsTo(url: URL, timeoutMs: number): { dispatcher: Agent; reachedPublic(): boolean };
  close(): Promise<void>;
}

/** Origins whose connections are kept at once; the least recently used one is closed past it. */
const POOLED_ORIGINS = 256;
/** Connections to one origin at most: deliveries beyond them wait for one to be free. */
const CONNECTIONS_PER_ORIGIN = 32;
/** How long an idle connection is kept for the next delivery. */
const KEEP_ALIVE_MS = 10_000;

/**
 * Keeps connections open between deliveries to the same origin, so a burst of alerts to one
 * receiver does not open (and check) a connection each. Each new connection is still
 * checked as it is made; a reused one goes to the address that was checked when it opened.
 */
export function createConnectionPool(policy: ConnectionPolicy): ConnectionPool {
  const pooled = new Map<string, { dispatcher: Agent; peers: Set<string> }>();
  return {
    connectionsTo(url, timeoutMs) {
      const key = `${timeoutMs} ${url.origin}`;
      let entry = pooled.get(key);
      if (entry) pooled.delete(key);
      else {
        const peers = new Set<string>();
        const dispatcher = guardedAgent(policy, timeoutMs, {
          onPeer: (address) => peers.add(address),
          onRefusal: () => {},
          options: { connections: CONNECTIONS_PER_ORIGIN, keepAliveTimeout: KEEP_ALIVE_MS, keepAliveMaxTimeout: KEEP_ALIVE_MS },
        });
        entry = { dispatcher, peers };
      }
      // Most recently used last: the first is the one to close when there are too many.
      pooled.set(key, entry);
      for (const [oldKey, old] of pooled) {
        if (pooled.size <= POOLED_ORIGINS) break;
        pooled.delete(oldKey);
        // Deliveries under way on it finish first.
        void old.dispatcher.close();
      }
      const { dispatcher, peers } = entry;
      // Which connection answered is not known here: a provider's words are kept only when all went to public addresses.
      return { dispatcher, reachedPublic: () => peers.size > 0 && [...peers].every((peer) => policy.classify(peer).isPublic) };
    },
    async close() {
      const all = [...pooled.values()];
      pooled.clear();
      await Promise.all(all.map((entry) => entry.dispatcher.close()));
    },
  };
}

async function readStart(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    // The cast: with no encoding set, the body yields Buffers.
    for await (const chunk of body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= MAX_BODY_BYTES) break;
    }
  } catch {
    // A body cut short still gives what arrived.
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES));
}

function describeNetworkError(host: string, error: unknown, timeoutMs: number): string {
  const { name, code, message } = error as { name?: string; code?: string; message?: string };
  if (name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return `${host} did not answer within ${timeoutMs} ms`;
  }
  return `no answer from ${host}: ${code ?? message ?? String(error)}`;
}

/**
 * POSTs over guarded connections and throws a DeliveryError unless the answer is 2xx.
 * Redirects are not followed. The error keeps the status and, for an answer from a public
 * address, a short excerpt of its body; it is permanent when no retry can succeed.
 */
export async function postOrThrow(
  url: URL,
  init: { body: string; headers: Record<string, string>; method?: 'POST' | 'PUT' },
  { timeoutMs, connections: policy, pool }: Pick<DeliveryContext, 'timeoutMs' | 'connections' | 'pool'>,
): Promise<ProviderAnswer> {
  const pooled = pool?.connectionsTo(url, timeoutMs);
  const own = pooled ? undefined : openGuardedConnections(policy, timeoutMs);
  const dispatcher = pooled?.dispatcher ?? own!.dispatcher;
  try {
    let answer: Awaited<ReturnType<typeof request>>;
    try {
      answer = await request(url, {
        dispatcher,
        method: init.method ?? 'POST',
        body: init.body,
        headers: init.headers,
        signal: AbortSignal.timeout(timeoutMs),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
    } catch (error) {
      throw createDeliveryError(refusalOfError(error) ?? own?.failure ?? describeNetworkError(url.host, error, timeoutMs));
    }
    const { statusCode, body } = answer;
    // A private address's words are never kept: they could tell what a scan should not learn.
    const reachedPublic = pooled ? pooled.reachedPublic() : own!.reachedPublic;
    const excerpt = reachedPublic ? excerptOf(await readStart(body)) : '';
    // The rest of the answer is read, so the connection can carry the next delivery.
    await body.dump({ limit: MAX_BODY_BYTES }).catch(() => undefined);
    if (statusCode >= 200 && statusCode < 300) return { status: statusCode, body: excerpt };
    const redirect = statusCode >= 300 && statusCode < 400 ? ' (redirects are not followed)' : '';
    throw createDeliveryError(`${url.host} answered ${statusCode}${redirect}${excerpt ? `: ${excerpt}` : ''}`, {
      permanent: isPermanentStatus(statusCode),
    });
  } finally {
    await own?.close();
  }
}
