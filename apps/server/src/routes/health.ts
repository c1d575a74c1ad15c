import type { HealthResponse } from '@watchtower/protocol';
import { Hono } from 'hono';
import type { ResolvedDeps } from '../deps.js';
import type { AppEnv } from '../http/env.js';

export function healthRoutes({ db }: ResolvedDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/healthz', async (c) => {
    try {
      await db.ping();
      return c.json({ result: 200, status: 'ok' } satisfies HealthResponse);
    } catch (error) {
      c.get('log').warn({ err: error }, 'health check failed');
      return c.json({ result: 503, status: 'unavailable' } satisfies HealthResponse, 503);
    }
  });
  return app;
}
