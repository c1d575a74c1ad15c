import { AddEventRequest, ListEventsQuery, ROUTES, type AddEventResponse, type ListEventsResponse } from '@watchtower/protocol';
import { Hono } from 'hono';
import type { ResolvedDeps } from '../deps.js';
import { createEventRecorder, type AlertRoute } from '../domain/events/add-event.js';
import { DomainError } from '../domain/errors.js';
import { listEvents } from '../domain/events/list-events.js';
import { toEvent } from '../domain/views.js';
import { applyChanges } from '../domain/changes.js';
import type { AppEnv } from '../http/app-env.js';
import { readBody } from '../http/read-body.js';
import { parseInput } from '../http/validate.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** The Idempotency-Key header, checked: a retry that sends the same key is stored once. */
function idempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(header)) {
    throw new DomainError(
      'VALIDATION_FAILED',
      'the Idempotency-Key header must be 1 to 255 visible ASCII characters (a UUID is a good choice)',
    );
  }
  return header;
}

export function eventRoutes({ db, clock, config, signals, feed, metrics }: ResolvedDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const context = { db, clock };
  const addEvent = createEventRecorder({ ...context, observer: metrics.groupCommit('event') });
  const { defaultType, defaultTarget } = config.alerts;
  const defaultRoute: AlertRoute | null = defaultType && defaultTarget ? { channel: defaultType, target: defaultTarget } : null;

  for (const path of ROUTES.addEvent.paths) {
    app.post(path, async (c) => {
      const event = parseInput(AddEventRequest, await readBody(c));
      if (event.alert && !defaultRoute) {
        throw new DomainError(
          'VALIDATION_FAILED',
          'alert: true needs a default alert channel on this server: set WATCHTOWER_ALERT_TYPE and WATCHTOWER_ALERT_TARGET',
        );
      }
      const key = idempotencyKey(c.req.header('idempotency-key'));
      const { row, created, changes } = await addEvent(event, event.alert ? defaultRoute : null, key);
      if (!created && (row.service !== event.service || row.level !== event.level || row.message !== event.message)) {
        throw new DomainError(
          'VALIDATION_FAILED',
          'this Idempotency-Key was used for another event (a different service, level or message); send a new key for a new event',
        );
      }
      applyChanges(changes, { feed, signals, log: c.get('log') });
      return c.json({ result: 200, event: toEvent(row) } satisfies AddEventResponse);
    });
  }

  for (const path of ROUTES.listEvents.paths) {
    app.get(path, async (c) => {
      const query = parseInput(ListEventsQuery, c.req.query());
      const page = await listEvents(context, query);
      return c.json({ result: 200, events: page.events.map(toEvent), next: page.next } satisfies ListEventsResponse);
    });
  }

  return app;
}
