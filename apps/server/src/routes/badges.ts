import { ROUTES, ServiceName, Tag } from '@watchtower/protocol';
import { Hono, type Context } from 'hono';
import type { ResolvedDeps } from '../deps.js';
import { NOT_FOUND_BADGE, type Badge } from '../domain/badges/badge-look.js';
import { readBadgeKey } from '../domain/badges/badge-key.js';
import { findServiceBadge, findTagBadge } from '../domain/badges/find-badge.js';
import { renderBadgeSvg, toBadgeEndpoint } from '../domain/badges/render-badge.js';
import type { AppEnv } from '../http/app-env.js';
import { createSecretCheck } from '../http/auth.js';

type Format = 'svg' | 'json';

/** Badge keys are 43 URL-safe characters: anything else is not one, and costs no query. */
const KEY_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** The name a badge path carries, without its format (`backup.svg` → `backup`). */
const nameOf = (c: Context<AppEnv>, param: string, format: Format) => c.req.param(param)!.slice(0, -(format.length + 1));

/**
 * Status badges: no credentials, the server's badge key in the path is the secret. A badge
 * is always an answer a README can show: an unknown key, service or tag is a 404 whose
 * badge says "not found". Never cached: a status badge must be fresh.
 */
export function badgeRoutes(deps: ResolvedDeps): Hono<AppEnv> {
  const context = { db: deps.db, clock: deps.clock };
  const app = new Hono<AppEnv>();

  /** Whether `presented` is the badge key, compared in constant time. */
  async function isBadgeKey(presented: string): Promise<boolean> {
    return KEY_SHAPE.test(presented) && createSecretCheck(await readBadgeKey(context))(presented);
  }

  async function answer(c: Context<AppEnv>, format: Format, badge: Badge | null): Promise<Response> {
    const status = badge ? 200 : 404;
    const shown = badge ?? NOT_FOUND_BADGE;
    c.header('cache-control', 'no-cache');
    if (format === 'json') return c.json(toBadgeEndpoint(shown), status);
    return c.body(await renderBadgeSvg(shown), status, { 'content-type': 'image/svg+xml; charset=utf-8' });
  }

  // The key is checked before any look-up, so that names cannot be probed without it.
  const formats = [
    ['svg', ROUTES.serviceBadge, ROUTES.tagBadge],
    ['json', ROUTES.serviceBadgeJson, ROUTES.tagBadgeJson],
  ] as const;
  for (const [format, serviceRoute, tagRoute] of formats) {
    app.get(serviceRoute.paths[0], async (c) => {
      const service = ServiceName.safeParse(nameOf(c, 'service', format));
      if (!service.success || !(await isBadgeKey(c.req.param('badgeKey')))) return answer(c, format, null);
      return answer(c, format, await findServiceBadge(context, { service: service.data }));
    });
    app.get(tagRoute.paths[0], async (c) => {
      const tag = Tag.safeParse(nameOf(c, 'tag', format));
      if (!tag.success || !(await isBadgeKey(c.req.param('badgeKey')))) return answer(c, format, null);
      return answer(c, format, await findTagBadge(context, { tag: tag.data }));
    });
  }
  return app;
}
