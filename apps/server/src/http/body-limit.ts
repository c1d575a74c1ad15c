import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/**
 * Refuses a request body over `maxBytes` (`refuse` throws). A body that declares its length
 * is judged by that header alone: hono's bodyLimit looks at `c.req.raw.body` first, which
 * makes @hono/node-server build a whole web Request (streams, an AbortSignal) for every
 * request, a tenth of a pulse's time. A body without a length is counted as it is read.
 */
export function limitBody(maxBytes: number, refuse: () => never): MiddlewareHandler {
  const counting = bodyLimit({ maxSize: maxBytes, onError: refuse });
  return (c, next) => {
    const method = c.req.method;
    // Neither carries a body here (hono's own check finds none for them).
    if (method === 'GET' || method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return counting(c, next);
    if (Number.parseInt(length, 10) > maxBytes) refuse();
    return next();
  };
}
