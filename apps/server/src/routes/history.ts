import { HistoryQuery, ROUTES, ServiceName, type HistoryResponse } from '@watchtower/protocol';
import { Hono } from 'hono';
import type { ResolvedDeps } from '../deps.js';
import { readHistory } from '../domain/history/read-history.js';
import { toFlip } from '../domain/views.js';
import type { AppEnv } from '../http/app-env.js';
import { parseInput } from '../http/validate.js';

/** A service's history: its changes of state, and its uptime. */
export function historyRoutes({ db, clock }: ResolvedDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  for (const path of ROUTES.history.paths) {
    app.get(path, async (c) => {
      const service = parseInput(ServiceName, c.req.param('service'));
      const query = parseInput(HistoryQuery, c.req.query());
      const history = await readHistory({ db, clock }, { service, limit: query.limit, before: query.before });
      return c.json({
        result: 200,
        flips: history.flips.map(toFlip),
        next: history.next,
        uptime: history.uptime,
      } satisfies HistoryResponse);
    });
  }
  return app;
}
