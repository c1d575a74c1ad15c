import { createHash, timingSafeEqual } from 'node:crypto';
import { PASSWORD_HEADER } from '@watchtower/protocol';
import type { MiddlewareHandler } from 'hono';
import { DomainError } from '../domain/errors.js';
import type { AppEnv } from './app-env.js';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

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

export function requireSecret(secret: string): MiddlewareHandler<AppEnv> {
  const matches = createSecretCheck(secret);
  return async (c, next) => {
    const presented = presentedSecret(c.req.raw.headers);
    if (presented === undefined) {
      throw new DomainError(
        'UNAUTHORIZED',
        'credentials are required: send the password in the "password" header or as "Authorization: Bearer <password>"',
      );
    }
    if (!matches(presented)) {
      throw new DomainError('UNAUTHORIZED', 'the password is wrong');
    }
    await next();
  };
}
