import type { AddEventRequest } from '@watchtower/protocol';
import type { Storage } from '../../db/client.js';
import { isDatabaseUnavailable } from '../../db/errors.js';
import type { EventRow } from '../../db/schema.js';
import { groupCommit } from '../../lib/group-commit.js';
import { enqueueAlerts } from '../alerts/enqueue-alerts.js';
import { insertEvents, type EventToInsert } from './insert-events.js';

/** Where an event sent with `alert: true` is alerted. */
export interface AlertRoute {
  channel: string;
  target: string;
}

interface NewEvent extends EventToInsert {
  alert: AlertRoute | null;
}

export type AddEvent = (event: AddEventRequest, received: Date, alert: AlertRoute | null) => Promise<EventRow>;

/**
 * Stores events dated by the server's clock; concurrent events share one insert and one
 * commit. An event with an alert route also queues its alert in the same transaction.
 */
export function createEventRecorder(storage: Storage): AddEvent {
  const write = groupCommit(
    async (batch: NewEvent[]): Promise<EventRow[]> => {
      if (!batch.some((event) => event.alert)) return insertEvents(storage.query, batch);
      return storage.transaction(async (query) => {
        const rows = await insertEvents(query, batch);
        const alerts = batch.flatMap((event, i) => {
          const row = rows[i]!;
          return event.alert
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
        await enqueueAlerts(query, alerts, new Date(batch[0]!.date));
        return rows;
      });
    },
    { maxBatch: 1000, maxPending: 20_000, retryAlone: (error) => !isDatabaseUnavailable(error) },
  );
  return (event, received, alert) =>
    write({
      service: event.service,
      level: event.level,
      message: event.message,
      date: received.toISOString(),
      alert,
    });
}
