import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../lib/logger.js';
import { newRequestId } from '../lib/request-id.js';
import type { AppEnv } from './app-env.js';

const INCOMING_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Names the request (reusing a sane incoming X-Request-Id) and writes one access line for it. */
export function requestContext(log: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && INCOMING_ID.test(incoming) ? incoming : newRequestId();
    c.set('requestId', requestId);
    c.set('log', log.child({ request_id: requestId }));
    await next();
    c.header('x-request-id', requestId);
    log.info(
      {
        request_id: requestId,
        method: c.req.method,
        route: c.req.routePath,
        path: c.req.path,
        status: c.res.status,
        duration_ms: Math.round((performance.now() - started) * 100) / 100,
      },
      'request',
    );
  };
}
