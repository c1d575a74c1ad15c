import {
  AddEventRequest,
  AddEventsRequest,
  LIMITS,
  EventHistogramQuery,
  ExportEventsQuery,
  ListEventsQuery,
  ROUTES,
  describeIssues,
  type AddEventResponse,
  type AddEventsResponse,
  type EventHistogramResponse,
  type ExportFormat,
  type ListEventsResponse,
} from '@watchtower/protocol';
import { Hono, type Context } from 'hono';
import type { ResolvedDeps } from '../deps.js';
import { createEventBatchRecorder, createEventRecorder, sameEvent, type AlertRoute } from '../domain/events/add-event.js';
import { DomainError } from '../domain/errors.js';
import { listEvents } from '../domain/events/list-events.js';
import { CSV_HEADER, eventHistogram, exportEventPages, formatEvents } from '../domain/events/export-events.js';
import type { DomainContext } from '../domain/context.js';
import { toEvent } from '../domain/views.js';
import { applyChanges, mergeChanges } from '../domain/changes.js';
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

/**
 * The body of a batch, checked: a list too long is refused before any event is read, and a
 * bad event is named by its index (the first one only: a batch of 1,000 bad events would
 * otherwise answer 1,000 reasons).
 */
function parseEventBatch(body: Record<string, unknown>): AddEventsRequest {
  const { events } = body;
  if (Array.isArray(events) && events.length > LIMITS.eventBatchMax) {
    throw new DomainError(
      'VALIDATION_FAILED',
      `events holds ${events.length} events; at most ${LIMITS.eventBatchMax.toLocaleString('en-US')} are taken in one request: split the batch (nothing was stored)`,
    );
  }
  const parsed = AddEventsRequest.safeParse(body);
  if (parsed.success) return parsed.data;
  const index = (issue: { path: PropertyKey[] }) => (typeof issue.path[1] === 'number' ? issue.path[1] : -1);
  const first = Math.min(...parsed.error.issues.map(index));
  const issues = parsed.error.issues.filter((issue) => index(issue) === first);
  // describeIssues reads only the issues of the error it is given.
  throw new DomainError('VALIDATION_FAILED', `${describeIssues({ issues } as typeof parsed.error)} (nothing was stored)`);
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
      if (!created && !sameEvent(row, event)) {
        throw new DomainError(
          'VALIDATION_FAILED',
          'this Idempotency-Key was used for another event (a different service, level or message); send a new key for a new event',
        );
      }
      applyChanges(changes, { feed, signals, log: c.get('log') });
      return c.json({ result: 200, event: toEvent(row) } satisfies AddEventResponse);
    });
  }

  const addEvents = createEventBatchRecorder({ ...context, observer: metrics.groupCommit('event-batch') });
  for (const path of ROUTES.addEvents.paths) {
    app.post(path, async (c) => {
      const { events } = parseEventBatch(await readBody(c));
      const alerted = events.findIndex((event) => event.alert);
      if (alerted >= 0 && !defaultRoute) {
        throw new DomainError(
          'VALIDATION_FAILED',
          `events[${alerted}].alert: true needs a default alert channel on this server: set WATCHTOWER_ALERT_TYPE and WATCHTOWER_ALERT_TARGET`,
        );
      }
      const key = idempotencyKey(c.req.header('idempotency-key'));
      const added = await addEvents(events, defaultRoute, key);
      applyChanges(mergeChanges(added.map((event) => event.changes)), { feed, signals, log: c.get('log') });
      return c.json({ result: 200, ids: added.map((event) => event.row.id) } satisfies AddEventsResponse);
    });
  }

  for (const path of ROUTES.listEvents.paths) {
    app.get(path, async (c) => {
      const query = parseInput(ListEventsQuery, c.req.query());
      // Its own connections, planned for the events table's pages (Storage.listing).
      const page = await listEvents({ ...context, db: db.listing }, query);
      return c.json({ result: 200, events: page.events.map(toEvent), next: page.next } satisfies ListEventsResponse);
    });
  }

  for (const path of ROUTES.exportEvents.paths) app.get(path, (c) => exportEvents(c, context));

  for (const path of ROUTES.eventHistogram.paths) {
    app.get(path, async (c) => {
      const query = parseInput(EventHistogramQuery, c.req.query());
      const buckets = await eventHistogram(context, query);
      return c.json({ result: 200, buckets } satisfies EventHistogramResponse);
    });
  }

  return app;
}

const EXPORT_TYPES: Record<ExportFormat, string> = {
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
};

/**
 * `GET /events/export`: every matching event, oldest first, read a page at a time only when
 * the reader has taken the one before (the socket drained), so an export of any size holds
 * one page. A reader that goes away stops the reading; a failure cuts the connection, so an
 * export that ends cleanly is whole.
 */
function exportEvents(c: Context<AppEnv>, context: DomainContext): Response {
  const query = parseInput(ExportEventsQuery, c.req.query());
  const stamp = context.clock.now().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  c.header('Content-Type', EXPORT_TYPES[query.format]);
  c.header('Content-Disposition', `attachment; filename="watchtower-events-${stamp}.${query.format}"`);
  c.header('Cache-Control', 'no-store');
  c.header('X-Content-Type-Options', 'nosniff');
  // Hono answers HEAD through this handler and drops the body unread.
  if (c.req.method === 'HEAD') return c.body(null, 200);
  const log = c.get('log');
  const encoder = new TextEncoder();
  const pages = exportEventPages(context, query);
  let header = query.format === 'csv' ? CSV_HEADER : '';
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const page = await pages.next();
        const text = page.done ? '' : formatEvents(page.value, query.format);
        if (header !== '' || text !== '') controller.enqueue(encoder.encode(header + text));
        header = '';
        if (page.done) controller.close();
      } catch (error) {
        log.error({ err: error }, 'an export of events stopped on an error');
        controller.error(error);
      }
    },
    async cancel() {
      await pages.return(undefined);
    },
  });
  return c.body(body, 200);
}
