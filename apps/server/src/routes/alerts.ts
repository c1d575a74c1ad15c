import { ListAlertsQuery, ROUTES, type AlertDelivery, type ListAlertsResponse } from '@watchtower/protocol';
import { Hono } from 'hono';
import type { AlertRow } from '../db/schema.js';
import type { ResolvedDeps } from '../deps.js';
import { listRecentAlerts } from '../domain/alerts/delivery-queue.js';
import type { AppEnv } from '../http/env.js';
import { parseInput } from '../http/validate.js';

function toDelivery(row: AlertRow): AlertDelivery {
  return {
    id: row.id,
    kind: row.kind,
    service: row.service,
    channel: row.channel,
    target: row.target,
    status: row.status,
    attempts: row.attempts,
    lastError: row.lastError,
    created: row.createdAt.getTime() / 1000,
    sent: row.sentAt ? row.sentAt.getTime() / 1000 : null,
    nextAttempt: row.status === 'pending' ? row.nextAttemptAt.getTime() / 1000 : null,
  };
}

export function alertRoutes({ db }: ResolvedDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  for (const path of ROUTES.listAlerts.paths) {
    app.get(path, async (c) => {
      const query = parseInput(ListAlertsQuery, c.req.query());
      const rows = await listRecentAlerts(db, query.limit, query.service);
      return c.json({ result: 200, alerts: rows.map(toDelivery) } satisfies ListAlertsResponse);
    });
  }
  return app;
}
