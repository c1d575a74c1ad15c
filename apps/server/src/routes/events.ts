import {
  AddEventRequest,
  ListEventsQuery,
  ROUTES,
  type AddEventResponse,
  type ListEventsResponse,
} from '@watchtower/protocol';
import { Hono } from 'hono';
import type { AppDeps } from '../deps.js';
import { createEventRecorder } from '../domain/events/add-event.js';
import { listEvents, toEvent } from '../domain/events/list-events.js';
import type { AppEnv } from '../http/env.js';
import { readBody } from '../http/read-body.js';
import { parseInput } from '../http/validate.js';

export function eventRoutes({ db, clock }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const addEvent = createEventRecorder(db);

  for (const path of ROUTES.addEvent.paths) {
    app.post(path, async (c) => {
      const event = parseInput(AddEventRequest, await readBody(c));
      const row = await addEvent(event, clock.now());
      return c.json({ result: 200, event: toEvent(row) } satisfies AddEventResponse);
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
