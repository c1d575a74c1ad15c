import type { Heartbeat, HeartbeatStatus } from '@watchtower/protocol';
import type { HeartbeatRow } from '../../db/schema.js';

export function heartbeatStatus(row: Pick<HeartbeatRow, 'cancelled' | 'expectedAt'>, now: Date): HeartbeatStatus {
  if (row.cancelled) return 'cancelled';
  return now.getTime() > row.expectedAt.getTime() ? 'dead' : 'alive';
}

/** The protocol's HB: times in Unix seconds, status computed at `now`. */
export function toHeartbeat(row: HeartbeatRow, now: Date): Heartbeat {
  return {
    service: row.service,
    alertType: row.alertType,
    alertTarget: row.alertTarget,
    nextIn: row.nextIn,
    last: row.lastAt.getTime() / 1000,
    expected: row.expectedAt.getTime() / 1000,
    alerted: row.alerted,
    cancelled: row.cancelled,
    status: heartbeatStatus(row, now),
  };
}
