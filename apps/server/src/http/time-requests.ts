import type { MiddlewareHandler } from 'hono';
import type { Metrics } from '../lib/metrics.js';
import type { AppEnv } from './app-env.js';

/** Times every answer, labelled by the route pattern that served it (never the raw path). */
export function timeRequests(metrics: Metrics): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      // A path no route serves is matched only by middleware: one label for all of them.
      const route = c.res.status === 404 && c.req.routePath.endsWith('*') ? 'unmatched' : c.req.routePath;
      metrics.observeRequest(c.req.method, route, c.res.status, (performance.now() - started) / 1000);
    }
  };
}
