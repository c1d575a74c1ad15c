import { hash, timingSafeEqual } from 'node:crypto';
import { coversScope, KEY_SCOPES, PASSWORD_HEADER, ROUTES, type KeyScope } from '@watchtower/protocol';
import type { MiddlewareHandler } from 'hono';
import { TrieRouter } from 'hono/router/trie-router';
import type { ApiKeyRow } from '../db/schema.js';
import type { DomainContext } from '../domain/context.js';
import { DomainError } from '../domain/errors.js';
import { findKeyBySecret } from '../domain/keys/find-keys.js';
import { createKeyUseRecorder } from '../domain/keys/record-key-use.js';
import type { Logger } from '../lib/logger.js';
import type { AppEnv } from './app-env.js';
import { createAuthThrottle } from './auth-throttle.js';
import { clientAddress } from './client-address.js';
import { errorAnswer } from './errors.js';

// One call, no Hash object: it runs for every request that carries the password.
const digest = (text: string) => hash('sha256', text, 'buffer');

/** The secret a request carries: the `password` header, or `Authorization: Bearer`. */
export function presentedSecret(headers: Headers): string | undefined {
  const password = headers.get(PASSWORD_HEADER);
  if (password) return password;
  const authorization = headers.get('authorization');
  const match = authorization ? /^Bearer\s+(.+)$/i.exec(authorization.trim()) : null;
  return match?.[1];
}

/** Compares in constant time: both sides are hashed to equal lengths first. */
export function createSecretCheck(secret: string): (presented: string) => boolean {
  const expected = digest(secret);
  return (presented) => timingSafeEqual(digest(presented), expected);
}

/** A call of ROUTES as a request matched it: the scope it needs, and its method and path as ROUTES writes them. */
export interface RouteScope {
  scope: KeyScope | null;
  label: string;
}

/** Finds the scope a request needs from ROUTES, matched as Hono matches routes; HEAD is answered as GET. */
export function createScopeTable(): (method: string, path: string) => RouteScope | undefined {
  const router = new TrieRouter<RouteScope>();
  for (const route of Object.values(ROUTES)) {
    for (const path of route.paths) router.add(route.method, path, { scope: route.scope, label: `${route.method} ${path}` });
  }
  return (method, path) => {
    const [matches] = router.match(method === 'HEAD' ? 'GET' : method, path);
    return matches[0]?.[0];
  };
}

/** `a read or admin key`: every scope that covers `needed`. */
function keysCovering(needed: KeyScope): string {
  const scopes = KEY_SCOPES.filter((held) => coversScope(held, needed)).join(' or ');
  return `${/^[aeiou]/.test(scopes) ? 'an' : 'a'} ${scopes} key`;
}

export interface AuthOptions extends DomainContext {
  /** The configured password: an admin key. */
  password: string;
  log: Logger;
  /** Failed authentications per client address and minute before it is answered 429; 0: no limit. */
  authFailureLimit: number;
  /** Whether the client address is read from X-Forwarded-For (see clientAddress). */
  trustProxy: boolean;
}

/**
 * Lets a request through when its credentials cover the scope its route needs (ROUTES):
 * the password, or an API key looked up by its hash. A route that needs none is let through
 * without any; a path that is no route needs valid credentials of any scope (then a 404 or 405).
 */
export function requireScope({ password, log, authFailureLimit, trustProxy, ...context }: AuthOptions): MiddlewareHandler<AppEnv> {
  const isPassword = createSecretCheck(password);
  const throttle = createAuthThrottle({ limit: authFailureLimit });
  const now = () => context.clock.now().getTime();
  const routeScope = createScopeTable();
  const recordUse = createKeyUseRecorder(context, {
    onError: (error, key) => log.warn({ err: error, key_id: key.id }, 'key.last_used_failed'),
  });
  return async (c, next) => {
    const route = routeScope(c.req.method, c.req.path);
    if (route?.scope === null) {
      c.set('scope', null);
      c.set('keyId', null);
      return next();
    }
    const address = clientAddress(c, trustProxy);
    const waitMs = throttle.waitMs(address, now());
    if (waitMs > 0) {
      return errorAnswer(
        c,
        'TOO_MANY_REQUESTS',
        `too many failed authentications from ${address} lately; try again in ${Math.ceil(waitMs / 1000)} s`,
        waitMs / 1000,
      );
    }
    const presented = presentedSecret(c.req.raw.headers);
    if (presented === undefined) {
      throw new DomainError(
        'UNAUTHORIZED',
        'credentials are required: send the password in the "password" header or as "Authorization: Bearer <password>"',
      );
    }
    let key: ApiKeyRow | null = null;
    if (!isPassword(presented)) {
      key = await findKeyBySecret(context, { secret: presented });
      if (!key) {
        throttle.noteFailure(address, now());
        log.warn({ client: address, path: c.req.path }, 'auth.failed');
        throw new DomainError('UNAUTHORIZED', 'the password is wrong');
      }
      void recordUse(key);
    }
    const held = key?.scope ?? 'admin';
    if (route?.scope && !coversScope(held, route.scope)) {
      throw new DomainError('FORBIDDEN', `this key has scope ${held}; ${route.label} needs ${keysCovering(route.scope)}`);
    }
    c.set('scope', held);
    c.set('keyId', key?.id ?? null);
    await next();
  };
}
