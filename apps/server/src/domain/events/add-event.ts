import type { GroupCommitObserver } from '../../lib/metrics.js';
import type { AddEventRequest } from '@watchtower/protocol';
import type { Storage } from '../../db/client.js';
import { isDatabaseUnavailable } from '../../db/errors.js';
import type { Clock } from '../../lib/clock.js';
import { groupCommit } from '../../lib/group-commit.js';
import { changes, type Changes } from '../changes.js';
import { inTransaction, type DomainContext } from '../context.js';
import { enqueueAlerts, type NewAlert } from '../outbox/enqueue-alerts.js';
import { toEvent, unixSeconds } from '../views.js';
import { insertEvents, type EventToInsert, type InsertedEvent } from './insert-events.js';

/** Where an event sent with `alert: true` is alerted. */
export interface AlertRoute {
  channel: string;
  target: string;
}

interface NewEvent extends Omit<EventToInsert, 'date'> {
  alert: AlertRoute | null;
}

export interface AddedEvent extends InsertedEvent {
  changes: Changes;
}

export type AddEvent = (event: AddEventRequest, alert: AlertRoute | null, idempotencyKey?: string) => Promise<AddedEvent>;

/** How long an event may wait for its commit before it is answered 503 (and never applied). */
export const EVENT_MAX_WAIT_MS = 4_000;

/** The alert of each event that asked for one and was stored now (not before, under its key). */
function eventAlerts(batch: NewEvent[], inserted: InsertedEvent[]): NewAlert[] {
  return batch.flatMap((event, i) => {
    const { row, created } = inserted[i]!;
    if (!event.alert || !created) return [];
    return [
      {
        kind: 'event' as const,
        service: row.service,
        channel: event.alert.channel,
        target: event.alert.target,
        details: { eventId: row.id, level: row.level, message: row.message, date: unixSeconds(row.date) },
      },
    ];
  });
}

/**
 * Stores a batch of events dated now, and queues the alert of each that asked for one, in
 * the same transaction; past `deadline` the transaction rolls back whole.
 */
export async function addEvents(context: DomainContext, { batch, deadline }: { batch: NewEvent[]; deadline: Date }): Promise<AddedEvent[]> {
  const date = context.clock.now();
  const events = batch.map((event) => ({ ...event, date: date.toISOString() }));
  const inserted = batch.some((event) => event.alert)
    ? await inTransaction(context, async (tx) => {
        const stored = await insertEvents(tx, { events });
        await enqueueAlerts(tx, { alerts: eventAlerts(batch, stored), at: date });
        // Last: past its deadline the transaction rolls back whole.
        await tx.db.query('select watchtower_write_deadline($1::timestamptz)', [deadline.toISOString()]);
        return stored;
      })
    : await insertEvents(context, { events, deadline });
  return inserted.map((stored, i) => ({
    ...stored,
    changes: stored.created
      ? changes({ feed: [{ type: 'event', event: toEvent(stored.row) }], alertsQueued: Boolean(batch[i]!.alert) })
      : changes(),
  }));
}

/**
 * Stores events dated by the server's clock when they are written; concurrent events
 * share one insert and one commit. An event with an alert route also queues its alert in
 * the same transaction, unless it was stored before under the same idempotency key.
 */
export function createEventRecorder({
  db,
  clock,
  observer,
}: {
  db: Storage;
  clock: Clock;
  /** Told of the batches and of what waits, for /metrics. */
  observer?: GroupCommitObserver | undefined;
}): AddEvent {
  const write = groupCommit(
    (batch: NewEvent[], deadlineMs: number) => addEvents({ db, clock }, { batch, deadline: db.databaseTime(deadlineMs) }),
    {
      maxBatch: 1000,
      maxPending: 20_000,
      retryAlone: (error) => !isDatabaseUnavailable(error),
      observer,
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
