import { ROUTES } from '@watchtower/protocol';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../lib/logger.js';
import { newRequestId } from '../lib/request-id.js';
import type { AppEnv } from './app-env.js';

const INCOMING_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Path parameters that are secrets (ping tokens, keys in ping URLs, the badge key): never written to a log. */
const SECRET_PARAMS = new Set([':token', ':key', ':badgeKey']);

const SECRET_PATHS = Object.values(ROUTES)
  .flatMap((route) => route.paths)
  // A parameter's pattern (`:service{[^/]+\.svg}`) may hold a slash: only its name counts here.
  .map((path) => path.replace(/\{[^}]*\}/g, '').split('/'))
  .filter((segments) => segments.some((segment) => SECRET_PARAMS.has(segment)));

/** The path as the access log shows it: a segment that a route takes as a secret is written `<secret>`. */
export function loggedPath(path: string): string {
  const segments = path.split('/');
  const pattern = SECRET_PATHS.find(
    (candidate) =>
      candidate.length === segments.length && candidate.every((part, index) => part.startsWith(':') || part === segments[index]),
  );
  if (!pattern) return path;
  return segments.map((segment, index) => (SECRET_PARAMS.has(pattern[index]!) ? '<secret>' : segment)).join('/');
}

/** Names the request (reusing a sane incoming X-Request-Id) and writes one access line for it. */
export function requestContext(log: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && INCOMING_ID.test(incoming) ? incoming : newRequestId();
    c.set('requestId', requestId);
    c.set('log', log.child({ request_id: requestId }));
    await next();
    // On the answer's own headers: c.header() here would rebuild the finished answer.
    c.res.headers.set('x-request-id', requestId);
    if (!log.isLevelEnabled('info')) return;
    log.info(
      {
        request_id: requestId,
        method: c.req.method,
        route: c.req.routePath,
        path: loggedPath(c.req.path),
        key_id: c.get('keyId') ?? undefined,
        status: c.res.status,
        duration_ms: Math.round((performance.now() - started) * 100) / 100,
      },
      'request',
    );
  };
}
