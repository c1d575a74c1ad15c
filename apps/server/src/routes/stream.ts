import { ROUTES, type StreamChange } from '@watchtower/protocol';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { ResolvedDeps } from '../deps.js';
import type { AppEnv } from '../http/env.js';

/** Changes a slow reader may fall behind by before it is told to reload instead. */
const MAX_BACKLOG = 1_000;
const KEEP_ALIVE_MS = 15_000;

/**
 * `GET /stream`: committed changes as server-sent events, for live views. Credentials
 * are required, so browsers read it with fetch (EventSource cannot send headers).
 */
export function streamRoutes({ feed }: ResolvedDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  for (const path of ROUTES.stream.paths) {
    app.get(path, (c) =>
      streamSSE(c, async (stream) => {
        const backlog: StreamChange[] = [];
        let fellBehind = false;
        let open = true;
        let wake: (() => void) | undefined;
        const unsubscribe = feed.subscribe(
          (change) => {
            if (backlog.length >= MAX_BACKLOG) {
              backlog.length = 0;
              fellBehind = true;
            }
            backlog.push(change);
            wake?.();
          },
          () => {
            open = false;
            wake?.();
          },
        );
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
      }),
    );
  }
  return app;
}
