import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes, routePath } from 'hono/route';
import type { Metrics } from '../lib/metrics.js';
import type { AppEnv } from './app-env.js';

/** What every path matches: middleware, not a route. */
const ANY_PATH = '/*';

/**
 * The route pattern a request was for. A request answered by middleware (refused for its
 * credentials) names the route it would have reached; one that no route serves is `unmatched`.
 */
function routeOf(c: Context<AppEnv>): string {
  const served = routePath(c);
  if (served !== ANY_PATH) return served;
  const routes = matchedRoutes(c).filter((route) => route.path !== ANY_PATH);
  return (routes.find((route) => route.method !== 'ALL') ?? routes[0])?.path ?? 'unmatched';
}

/** Times every answer, labelled by the route pattern that served it (never the raw path). */
export function timeRequests(metrics: Metrics): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      metrics.observeRequest(c.req.method, routeOf(c), c.res.status, (performance.now() - started) / 1000);
    }
  };
}
