import type { AlertDelivery, Event, Heartbeat, HeartbeatStatus, Key } from '@watchtower/protocol';
import type { AlertRow, ApiKeyRow, EventRow, HeartbeatRow } from '../db/schema.js';

/** The protocol's times: Unix seconds, fractions allowed. */
export const unixSeconds = (date: Date): number => date.getTime() / 1000;

export const fromUnixSeconds = (seconds: number): Date => new Date(seconds * 1000);

export function heartbeatStatus(row: Pick<HeartbeatRow, 'cancelled' | 'expectedAt'>, now: Date): HeartbeatStatus {
  if (row.cancelled) return 'cancelled';
  return now.getTime() > row.expectedAt.getTime() ? 'dead' : 'alive';
}

/** The protocol's HB, its status computed at `now`. */
export function toHeartbeat(row: HeartbeatRow, now: Date): Heartbeat {
  return {
    service: row.service,
    alertType: row.alertType,
    alertTarget: row.alertTarget,
    nextIn: row.nextIn,
    last: unixSeconds(row.lastAt),
    expected: unixSeconds(row.expectedAt),
    alerted: row.alerted,
    cancelled: row.cancelled,
    status: heartbeatStatus(row, now),
  };
}

/** The protocol's EV. */
export function toEvent(row: EventRow): Event {
  return { id: row.id, service: row.service, level: row.level, message: row.message, date: unixSeconds(row.date) };
}

/** An alert and its delivery in the protocol's form. */
export function toAlertDelivery(row: AlertRow): AlertDelivery {
  return {
    id: row.id,
    kind: row.kind,
    service: row.service,
    channel: row.channel,
    target: row.target,
    status: row.status,
    attempts: row.attempts,
    lastError: row.lastError,
    created: unixSeconds(row.createdAt),
    sent: row.sentAt ? unixSeconds(row.sentAt) : null,
    nextAttempt: row.status === 'pending' ? unixSeconds(row.nextAttemptAt) : null,
  };
}

/** The protocol's KEY: never its secret, which is not stored, nor its hash. */
export function toKey(row: ApiKeyRow): Key {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    created: unixSeconds(row.createdAt),
    lastUsed: row.lastUsedAt ? unixSeconds(row.lastUsedAt) : null,
  };
}
