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

/**
 * An undici dispatcher whose sockets go only where `policy` allows: the lookup the socket
 * uses resolves and checks the name, so no second resolution can point it elsewhere, and
 * an IP literal (for which no lookup happens) is checked before connecting. One per
 * delivery, so `peer` is the address this delivery's answer came from.
 */
export function openGuardedConnections(policy: ConnectionPolicy, timeoutMs: number): GuardedConnections {
  let peer: string | undefined;
  let failure: string | undefined;
  const lookup = (hostname: string, options: { all?: boolean; family?: number | string }, callback: LookupCallback) => {
    const wanted = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : Number(options.family ?? 0);
    resolveTarget(hostname, policy).then(
      (addresses) => {
        const entries = addresses
          .map((address) => ({ address, family: isIP(address) }))
          .filter((entry) => wanted === 0 || entry.family === wanted);
        const [first] = entries;
        if (!first) {
          failure = `no connection made: ${hostname} has no IPv${wanted} address`;
          callback(Object.assign(new Error(failure), { code: 'ENOTFOUND' }), []);
        } else if (options.all) callback(null, entries);
        else callback(null, first.address, first.family);
      },
      (error: Error) => {
        failure = `no connection made: ${error.message}`;
        callback(error, []);
      },
    );
  };
  // The cast: net's LookupFunction is a set of overloads no single implementation matches.
  const connectChecked = buildConnector({ lookup: lookup as never, timeout: timeoutMs });
  const connectOnce: typeof connectChecked = (options, callback) =>
    connectChecked(options, (...args) => {
      if (args[1]) peer = args[1].remoteAddress;
      callback(...args);
    });
  const dispatcher = new Agent({
    connect: (options, callback) => {
      if (!isIP(options.hostname)) return connectOnce(options, callback);
      // Sockets look nothing up for an IP literal: it is checked here instead.
      resolveTarget(options.hostname, policy)
        .then(() => connectOnce(options, callback))
        .catch((error: Error) => {
          failure = `no connection made: ${error.message}`;
          callback(error, null);
        });
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
  { timeoutMs, connections: policy }: Pick<DeliveryContext, 'timeoutMs' | 'connections'>,
): Promise<ProviderAnswer> {
  const connections = openGuardedConnections(policy, timeoutMs);
  try {
    let answer: Awaited<ReturnType<typeof request>>;
    try {
      answer = await request(url, {
        dispatcher: connections.dispatcher,
        method: init.method ?? 'POST',
        body: init.body,
        headers: init.headers,
        signal: AbortSignal.timeout(timeoutMs),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
    } catch (error) {
      throw createDeliveryError(connections.failure ?? describeNetworkError(url.host, error, timeoutMs));
    }
    const { statusCode, body } = answer;
    // A private address's words are never kept: they could tell what a scan should not learn.
    const excerpt = connections.reachedPublic ? excerptOf(await readStart(body)) : '';
    if (statusCode >= 200 && statusCode < 300) return { status: statusCode, body: excerpt };
    const redirect = statusCode >= 300 && statusCode < 400 ? ' (redirects are not followed)' : '';
    throw createDeliveryError(`${url.host} answered ${statusCode}${redirect}${excerpt ? `: ${excerpt}` : ''}`, {
      permanent: isPermanentStatus(statusCode),
    });
  } finally {
    await connections.close();
  }
}
