import { ALERT_TYPES, ROUTES, type DashboardSettingsResponse } from '@watchtower/protocol';
import { Hono } from 'hono';
import type { ResolvedDeps } from '../deps.js';
import type { AppEnv } from '../http/app-env.js';

/** What the configuration tells the dashboard: saved searches and the usable channels. */
export function dashboardRoutes({ config, channels }: ResolvedDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const usable = ALERT_TYPES.filter((name) => channels.get(name)?.missingConfig() === null);
  for (const path of ROUTES.dashboardSettings.paths) {
    app.get(path, (c) =>
      c.json({
        result: 200,
        eventsPresets: config.gui.eventsPresets,
        channels: usable,
        // A read route: the scope is read or admin (the password is admin).
        ...(c.get('scope') && { scope: c.get('scope')! }),
      } satisfies DashboardSettingsResponse),
    );
  }
  return app;
}
