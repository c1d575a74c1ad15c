import { ROUTES, SnoozeManyRequest, SnoozeRequest, type SnoozeManyResponse } from '@watchtower/protocol';
import { Hono } from 'hono';
import type { ResolvedDeps } from '../deps.js';
import { snoozeEnd, snoozeMany, snoozeService } from '../domain/heartbeats/snooze-service.js';
import { unixSeconds } from '../domain/views.js';
import type { AppEnv } from '../http/app-env.js';
import { readBody } from '../http/read-body.js';
import { parseInput } from '../http/validate.js';
import { serviceRouteKit } from './service-kit.js';

/** Snoozes: of one service, of a tag, or of every service. */
export function snoozeRoutes(deps: ResolvedDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { context, serviceOf, serviceOnly, apply, answer } = serviceRouteKit(deps);

  app.post(ROUTES.snoozeService.paths[0], async (c) => {
    const service = serviceOf(c);
    const until = snoozeEnd(context, parseInput(SnoozeRequest, await readBody(c)));
    return answer(c, await snoozeService(context, { service, until }));
  });
  app.delete(ROUTES.unsnoozeService.paths[0], async (c) =>
    answer(c, await snoozeService(context, { ...(await serviceOnly(c)), until: null })),
  );

  app.post(ROUTES.snoozeMany.paths[0], async (c) => {
    const request = parseInput(SnoozeManyRequest, await readBody(c));
    const until = snoozeEnd(context, request);
    const { services, changes } = await snoozeMany(context, { tag: request.tag, until });
    apply(c, changes);
    return c.json({ result: 200, services, snoozedUntil: unixSeconds(until) } satisfies SnoozeManyResponse);
  });

  return app;
}
