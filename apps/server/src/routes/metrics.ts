import { Hono } from 'hono';
import type { ResolvedDeps } from '../deps.js';
import { readDatabaseGauges } from '../domain/metrics/database-gauges.js';
import type { AppEnv } from '../http/app-env.js';
import { METRICS_CONTENT_TYPE } from '../lib/metrics.js';

/** `GET /metrics`: this process's counters, and the gauges every process shares from the database. */
export function metricsRoutes({ db, clock, metrics }: ResolvedDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/metrics', async (c) => {
    const [counters, gauges] = await Promise.all([metrics.text(), readDatabaseGauges({ db, clock })]);
    c.header('content-type', METRICS_CONTENT_TYPE);
    c.header('cache-control', 'no-store');
    return c.body(`${gauges}${counters}`);
  });
  return app;
}
