import { ROUTES, type StreamChange } from '@watchtower/protocol';
import { Hono } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { ResolvedDeps } from '../deps.js';
import type { AppEnv } from '../http/app-env.js';
import { errorAnswer } from '../http/errors.js';
import type { ChangeFeed } from '../feed/change-feed.js';

/** Changes a slow reader may fall behind by before it is told to reload instead. */
const MAX_BACKLOG = 1_000;
const KEEP_ALIVE_MS = 15_000;
/** Seconds a reader refused for lack of room waits before it tries again. */
const RETRY_AFTER_S = 15;

/** Writes the feed's changes to one reader until it goes away or the feed closes. */
async function relayChanges(stream: SSEStreamingApi, feed: ChangeFeed): Promise<void> {
  const backlog: StreamChange[] = [];
  let fellBehind = false;
  let open = true;
  let wake: (() => void) | undefined;
  const unsubscribe = feed.subscribe({
    change: (change) => {
      if (backlog.length >= MAX_BACKLOG) {
        backlog.length = 0;
        fellBehind = true;
      }
      backlog.push(change);
      wake?.();
    },
    // Changes were missed: what was sent before cannot be completed, only reloaded.
    resync: () => {
      backlog.length = 0;
      fellBehind = true;
      wake?.();
    },
    end: () => {
      open = false;
      wake?.();
    },
  });
  stream.onAbort(() => {
    open = false;
    wake?.();
  });
  try {
    await stream.writeSSE({ event: 'ready', data: '{}', retry: 2000 });
    while (open) {
      if (fellBehind) {
        fellBehind = false;
        await stream.writeSSE({ event: 'resync', data: '{}' });
      }
      const change = backlog.shift();
      if (change) {
        await stream.writeSSE({ event: change.type, data: JSON.stringify(change) });
        continue;
      }
      const idle = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(true), KEEP_ALIVE_MS);
        wake = () => {
          clearTimeout(timer);
          resolve(false);
        };
      });
      wake = undefined;
      // A comment line keeps proxies from closing a quiet stream.
      if (idle && open) await stream.write(': keep-alive\n\n');
    }
  } finally {
    unsubscribe();
  }
}

/**
 * `GET /stream`: committed changes as server-sent events, for live views. Credentials
 * are required, so browsers read it with fetch (EventSource cannot send headers).
 */
export function streamRoutes({ feed, config }: ResolvedDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const maxStreams = config.server.maxStreams;
  let streams = 0;
  for (const path of ROUTES.stream.paths) {
    app.get(path, (c) => {
      if (streams >= maxStreams) {
        return errorAnswer(
          c,
          'SERVICE_UNAVAILABLE',
          `this server process already holds ${maxStreams} live streams (server.maxStreams, WATCHTOWER_MAX_STREAMS); try again in ${RETRY_AFTER_S} s`,
          RETRY_AFTER_S,
        );
      }
      // Hono answers HEAD through this handler and drops the body unread: a stream begun
      // for it would never see its reader leave.
      if (c.req.method === 'HEAD') {
        return c.body(null, 200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      }
      streams += 1;
      // nginx in front would otherwise hold the events back in its buffer.
      c.header('X-Accel-Buffering', 'no');
      return streamSSE(c, async (stream) => {
        try {
          await relayChanges(stream, feed);
        } finally {
          streams -= 1;
        }
      });
    });
  }
  return app;
}
