import type { StreamChange } from '@watchtower/protocol';
import { noteServerDate } from './api.js';
import { apiUrl } from './api-url.js';
import { SseParser, type SseMessage } from './sse.js';

export type LiveState =
  | { status: 'connecting' }
  | { status: 'live'; since: number }
  | { status: 'offline'; retryAt: number; reason: string };

export interface LiveHandlers {
  change(change: StreamChange): void;
  /** The stream (re)opened or asked for a resync: what is shown may have missed changes. */
  reload(): void;
  state(state: LiveState): void;
  unauthorized(): void;
}

export interface LiveStream {
  close(): void;
  /** Tries again now instead of waiting for the back-off. */
  retryNow(): void;
}

const CHANGE_TYPES = new Set(['heartbeat', 'heartbeat.dead', 'heartbeat.recovered', 'heartbeat.deleted', 'event', 'alert']);
// The server writes a keep-alive every 15 s: this long without a byte means the line is dead.
const SILENCE_MS = 40_000;
const MAX_DELAY_MS = 30_000;

/**
 * Back-off before the n-th retry (from 0): the server's `retry`, half again as long each
 * time (a restarted server is found within seconds), capped at 30 s, ±20 % jitter.
 */
export function retryDelay(attempt: number, base: number, random = Math.random): number {
  const delay = Math.min(base * 1.5 ** attempt, MAX_DELAY_MS);
  return Math.round(delay * (0.8 + 0.4 * random()));
}

/**
 * Hands each message of an open stream to `onMessage`, with the server's latest `retry`,
 * until the stream ends (the reason is returned); aborts it when it stays silent too long.
 */
async function readMessages(
  body: NonNullable<Response['body']>,
  controller: AbortController,
  onMessage: (message: SseMessage, reconnectDelay: number | undefined) => void,
): Promise<string> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  const parser = new SseParser();
  let heardAt = Date.now();
  const watchdog = setInterval(() => {
    if (Date.now() - heardAt > SILENCE_MS) controller.abort();
  }, 5_000);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return 'the server closed the stream';
      heardAt = Date.now();
      for (const message of parser.push(value)) onMessage(message, parser.reconnectDelay);
    }
  } finally {
    clearInterval(watchdog);
  }
}

/**
 * Reads `GET /stream` with fetch (it needs the password header) and keeps it open:
 * reconnects by itself with back-off, at once when the browser comes back online, and
 * says so through `state`.
 */
export function openLiveStream(password: string, handlers: LiveHandlers): LiveStream {
  let closed = false;
  let controller: AbortController | undefined;
  let wakeUp: (() => void) | undefined;
  let baseDelay = 1_000;

  const wait = (ms: number) =>
    new Promise<void>((done) => {
      const timer = setTimeout(done, ms);
      wakeUp = () => {
        clearTimeout(timer);
        done();
      };
    }).finally(() => (wakeUp = undefined));

  const retryNow = () => {
    if (wakeUp) wakeUp();
  };
  window.addEventListener('online', retryNow);

  async function readOnce(): Promise<string> {
    const current = new AbortController();
    controller = current;
    const response = await fetch(apiUrl('/stream'), {
      headers: { password, accept: 'text/event-stream' },
      cache: 'no-store',
      signal: current.signal,
    });
    noteServerDate(response.headers.get('date'));
    if (response.status === 401) {
      closed = true;
      handlers.unauthorized();
      return 'the password was refused';
    }
    if (!response.ok || !response.body) return `the server answered ${response.status}`;
    return readMessages(response.body, current, (message, reconnectDelay) => {
      if (reconnectDelay !== undefined) baseDelay = reconnectDelay;
      if (message.event === 'ready') {
        attempt = 0;
        handlers.state({ status: 'live', since: Date.now() });
        handlers.reload();
      } else if (message.event === 'resync') {
        handlers.reload();
      } else if (CHANGE_TYPES.has(message.event)) {
        handlers.change(JSON.parse(message.data) as StreamChange);
      }
    });
  }

  let attempt = 0;
  void (async () => {
    while (!closed) {
      handlers.state({ status: 'connecting' });
      let reason: string;
      try {
        reason = await readOnce();
      } catch {
        // fetch rejects without detail on a refused connection or a dropped line; the watchdog aborts a silent one.
        reason = controller?.signal.aborted ? 'no news from the server for 40 s' : 'the server cannot be reached';
      }
      if (closed) break;
      const delay = retryDelay(attempt, baseDelay);
      attempt += 1;
      handlers.state({ status: 'offline', retryAt: Date.now() + delay, reason });
      await wait(delay);
    }
  })();

  return {
    close() {
      closed = true;
      window.removeEventListener('online', retryNow);
      controller?.abort();
      wakeUp?.();
    },
    retryNow,
  };
}
