import type { GroupCommitObserver } from '../../lib/metrics.js';
import type { AddEventRequest } from '@watchtower/protocol';
import type { Storage } from '../../db/client.js';
import type { EventRow } from '../../db/schema.js';
import { isDatabaseUnavailable } from '../../db/errors.js';
import type { Clock } from '../../lib/clock.js';
import { groupCommit } from '../../lib/group-commit.js';
import { changes, type Changes } from '../changes.js';
import { inTransaction, type DomainContext } from '../context.js';
import { DomainError } from '../errors.js';
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
  /**
   * Its key is one of a batch's: the key used before for another event fails the whole
   * batch, with nothing of it stored.
   */
  keyedBatch?: boolean;
}

export interface AddedEvent extends InsertedEvent {
  changes: Changes;
}

export type AddEvent = (event: AddEventRequest, alert: AlertRoute | null, idempotencyKey?: string) => Promise<AddedEvent>;

export type AddEventBatch = (events: AddEventRequest[], alert: AlertRoute | null, idempotencyKey?: string) => Promise<AddedEvent[]>;

/** Whether an event stored before under the same key is the one sent now. */
export function sameEvent(row: EventRow, event: Pick<NewEvent, 'service' | 'level' | 'message'>): boolean {
  return row.service === event.service && row.level === event.level && row.message === event.message;
}

/** Refuses a batch whose key was used before for other events: the transaction rolls back. */
function refuseReusedBatchKey(batch: NewEvent[], inserted: InsertedEvent[]): void {
  const reused = batch.findIndex((event, i) => event.keyedBatch && !inserted[i]!.created && !sameEvent(inserted[i]!.row, event));
  if (reused >= 0) {
    throw new DomainError(
      'VALIDATION_FAILED',
      `this Idempotency-Key was used for another batch (events[${reused}] differs); send a new key for a new batch`,
    );
  }
}

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
  const at = date.toISOString();
  const events = batch.map((event) => ({ ...event, date: at }));
  const inserted = batch.some((event) => event.alert || event.keyedBatch)
    ? await inTransaction(context, async (tx) => {
        const stored = await insertEvents(tx, { events });
        refuseReusedBatchKey(batch, stored);
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

/**
 * How long a batch may wait for its commit: 1,000 long messages take seconds to index
 * (about 5 s for 10 MB of words on a busy 2-core machine).
 */
export const EVENT_BATCH_MAX_WAIT_MS = 30_000;

/** Batches waiting at most, and written by one statement at most, in the batch recorder. */
const BATCHES_PENDING_MAX = 64;
const BATCHES_PER_STATEMENT = 4;

/**
 * Stores batches of events (`POST /events/batch`) dated by the server's clock when they are
 * written, each batch all or none. Batches that arrive while one is written share the next
 * statement and commit; a statement that fails on its data is tried again a batch at a time,
 * so one bad batch never fails another. With an idempotency key, event `i` of the batch is
 * stored under `key:i`, so a retried batch is stored once and answered the same ids.
 */
export function createEventBatchRecorder({
  db,
  clock,
  observer,
}: {
  db: Storage;
  clock: Clock;
  observer?: GroupCommitObserver | undefined;
}): AddEventBatch {
  const write = groupCommit(
    async (batches: NewEvent[][], deadlineMs: number) => {
      const added = await addEvents({ db, clock }, { batch: batches.flat(), deadline: db.databaseTime(deadlineMs) });
      let start = 0;
      return batches.map((batch) => {
        const end = start + batch.length;
        const mine = added.slice(start, end);
        start = end;
        return mine;
      });
    },
    {
      maxBatch: BATCHES_PER_STATEMENT,
      maxPending: BATCHES_PENDING_MAX,
      retryAlone: (error) => !isDatabaseUnavailable(error),
      observer,
      maxWaitMs: EVENT_BATCH_MAX_WAIT_MS,
    },
  );
  return (events, alert, idempotencyKey) =>
    write(
      events.map((event, i) => ({
        service: event.service,
        level: event.level,
        message: event.message,
        key: idempotencyKey === undefined ? null : `${idempotencyKey}:${i}`,
        keyedBatch: idempotencyKey !== undefined,
        alert: event.alert ? alert : null,
      })),
    );
}
