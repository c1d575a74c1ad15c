import {
  AddEventRequest,
  ListEventsQuery,
  ROUTES,
  type AddEventResponse,
  type ListEventsResponse,
} from '@watchtower/protocol';
import { Hono } from 'hono';
import type { ResolvedDeps } from '../deps.js';
import { createEventRecorder, type AlertRoute } from '../domain/events/add-event.js';
import { DomainError } from '../domain/errors.js';
import { listEvents, toEvent } from '../domain/events/list-events.js';
import type { AppEnv } from '../http/env.js';
import { readBody } from '../http/read-body.js';
import { parseInput } from '../http/validate.js';

export function eventRoutes({ db, clock, config, signals, feed }: ResolvedDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const addEvent = createEventRecorder(db);
  const { defaultType, defaultTarget } = config.alerts;
  const defaultRoute: AlertRoute | null =
    defaultType && defaultTarget ? { channel: defaultType, target: defaultTarget } : null;

  for (const path of ROUTES.addEvent.paths) {
    app.post(path, async (c) => {
      const event = parseInput(AddEventRequest, await readBody(c));
      if (event.alert && !defaultRoute) {
        throw new DomainError(
          'VALIDATION_FAILED',
          'alert: true needs a default alert channel on this server: set WATCHTOWER_ALERT_TYPE and WATCHTOWER_ALERT_TARGET',
        );
      }
      const row = await addEvent(event, clock.now(), event.alert ? defaultRoute : null);
      if (event.alert) signals.alertQueued();
      const added = toEvent(row);
      feed.publish([{ type: 'event', event: added }]);
      return c.json({ result: 200, event: added } satisfies AddEventResponse);
    });
  }

  for (const path of ROUTES.listEvents.paths) {
    app.get(path, async (c) => {
      const query = parseInput(ListEventsQuery, c.req.query());
      const page = await listEvents(db.db, query);
      return c.json({ result: 200, events: page.events.map(toEvent), next: page.next } satisfies ListEventsResponse);
    });
  }

  return app;
}
