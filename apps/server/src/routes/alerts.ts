import { ListAlertsQuery, ROUTES, type ListAlertsResponse } from '@watchtower/protocol';
import { Hono } from 'hono';
import type { ResolvedDeps } from '../deps.js';
import { listRecentAlerts, toAlertDelivery } from '../domain/outbox/delivery-queue.js';
import type { AppEnv } from '../http/app-env.js';
import { parseInput } from '../http/validate.js';

export function alertRoutes({ db }: ResolvedDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  for (const path of ROUTES.listAlerts.paths) {
    app.get(path, async (c) => {
      const query = parseInput(ListAlertsQuery, c.req.query());
      const rows = await listRecentAlerts(db, query.limit, query.service);
      return c.json({ result: 200, alerts: rows.map(toAlertDelivery) } satisfies ListAlertsResponse);
    });
  }
  return app;
}
