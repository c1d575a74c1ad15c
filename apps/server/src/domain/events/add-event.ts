import type { AddEventRequest } from '@watchtower/protocol';
import type { Storage } from '../../db/client.js';
import { isDatabaseUnavailable } from '../../db/errors.js';
import type { Clock } from '../../lib/clock.js';
import { groupCommit } from '../../lib/group-commit.js';
import { enqueueAlerts } from '../outbox/enqueue-alerts.js';
import { insertEvents, type EventToInsert, type InsertedEvent } from './insert-events.js';

/** Where an event sent with `alert: true` is alerted. */
export interface AlertRoute {
  channel: string;
  target: string;
}

interface NewEvent extends Omit<EventToInsert, 'date'> {
  alert: AlertRoute | null;
}

export type AddEvent = (event: AddEventRequest, alert: AlertRoute | null, idempotencyKey?: string) => Promise<InsertedEvent>;

/** How long an event may wait for its commit before it is answered 503 (and never applied). */
export const EVENT_MAX_WAIT_MS = 4_000;

/**
 * Stores events dated by the server's clock when they are written; concurrent events
 * share one insert and one commit. An event with an alert route also queues its alert in
 * the same transaction, unless it was stored before under the same idempotency key.
 */
export function createEventRecorder(storage: Storage, clock: Clock): AddEvent {
  const write = groupCommit(
    async (batch: NewEvent[], deadlineMs: number): Promise<InsertedEvent[]> => {
      const date = clock.now();
      const events = batch.map((event) => ({ ...event, date: date.toISOString() }));
      const deadline = storage.databaseTime(deadlineMs);
      if (!batch.some((event) => event.alert)) return insertEvents(storage.query, events, { deadline });
      return storage.transaction(async (query) => {
        const inserted = await insertEvents(query, events);
        const alerts = batch.flatMap((event, i) => {
          const { row, created } = inserted[i]!;
          return event.alert && created
            ? [
                {
                  kind: 'event' as const,
                  service: row.service,
                  channel: event.alert.channel,
                  target: event.alert.target,
                  details: { eventId: row.id, level: row.level, message: row.message, date: row.date.getTime() / 1000 },
                },
              ]
            : [];
        });
        await enqueueAlerts(query, alerts, date);
        // Last: past its deadline the transaction rolls back whole.
        await query('select watchtower_write_deadline($1::timestamptz)', [deadline.toISOString()]);
        return inserted;
      });
    },
    {
      maxBatch: 1000,
      maxPending: 20_000,
      retryAlone: (error) => !isDatabaseUnavailable(error),
      maxWaitMs: EVENT_MAX_WAIT_MS,
    },
  );
  return (event, alert, idempotencyKey) =>
    write({
      service: event.service,
      level: event.level,
      message: event.message,
      key: idempotencyKey ?? null,
      alert,
    });
}
