import { ListAlertsQuery, ROUTES, type ListAlertsResponse } from '@watchtower/protocol';
import { Hono } from 'hono';
import type { ResolvedDeps } from '../deps.js';
import { listRecentAlerts } from '../domain/outbox/delivery-queue.js';
import { toAlertDelivery } from '../domain/views.js';
import type { AppEnv } from '../http/app-env.js';
import { parseInput } from '../http/validate.js';

export function alertRoutes({ db, clock }: ResolvedDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  for (const path of ROUTES.listAlerts.paths) {
    app.get(path, async (c) => {
      const query = parseInput(ListAlertsQuery, c.req.query());
      const rows = await listRecentAlerts({ db, clock }, { limit: query.limit, service: query.service });
      return c.json({ result: 200, alerts: rows.map(toAlertDelivery) } satisfies ListAlertsResponse);
    });
  }
  return app;
}
