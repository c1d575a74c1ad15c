import type {
  AlertDelivery,
  ChannelSource,
  ChannelType,
  ChannelView,
  Event,
  Flip,
  FlipCause,
  FlipStatus,
  Heartbeat,
  HeartbeatStatus,
  Key,
  Run,
} from '@watchtower/protocol';
import type { AlertRow, ApiKeyRow, ChannelRow, EventRow, FlipRow, HeartbeatRow, RunRow } from '../db/schema.js';
import { secretNames } from './channels/channel-secrets.js';
import { scheduleOf } from './heartbeats/service-schedule.js';

/** The protocol's times: Unix seconds, fractions allowed. */
export const unixSeconds = (date: Date): number => date.getTime() / 1000;

export const fromUnixSeconds = (seconds: number): Date => new Date(seconds * 1000);

export function heartbeatStatus(
  row: Pick<HeartbeatRow, 'cancelled' | 'expectedAt' | 'paused' | 'signalled' | 'alerted' | 'runStartedAt' | 'warnBefore'>,
  now: Date,
): HeartbeatStatus {
  if (row.cancelled) return 'cancelled';
  if (row.paused) return 'paused';
  if (!row.signalled) return 'new';
  if (row.alerted || now.getTime() > row.expectedAt.getTime()) return 'dead';
  // Within warnBefore of the deadline: the same rule as the "running late" notice.
  if (row.warnBefore !== null && now.getTime() >= row.expectedAt.getTime() - row.warnBefore * 1000) return 'late';
  return row.runStartedAt ? 'started' : 'alive';
}

/** What an HB shows besides its row: the latest run, and the ping URL (to read and admin keys only). */
export interface HeartbeatExtras {
  lastRun?: RunRow | null;
  pingUrl?: string;
}

/** The protocol's HB, its status computed at `now`. */
export function toHeartbeat(row: HeartbeatRow, now: Date, { lastRun, pingUrl }: HeartbeatExtras = {}): Heartbeat {
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
    schedule: scheduleOf(row),
    grace: row.grace,
    maxRuntime: row.maxRuntime,
    description: row.description,
    tags: row.tags,
    channels: row.channels,
    remindEvery: row.remindEvery,
    warnBefore: row.warnBefore,
    dependsOn: row.dependsOn,
    message: row.message,
    ...(lastRun !== undefined && { lastRun: lastRun && toRun(lastRun) }),
    ...(pingUrl !== undefined && { pingUrl }),
    // A snooze that has run out is no snooze.
    snoozedUntil: row.snoozedUntil && row.snoozedUntil > now ? unixSeconds(row.snoozedUntil) : null,
  };
}

/** The protocol's RUN. */
export function toRun(row: RunRow): Run {
  return {
    id: row.id,
    rid: row.rid,
    started: row.startedAt && unixSeconds(row.startedAt),
    ended: row.endedAt && unixSeconds(row.endedAt),
    duration: row.startedAt && row.endedAt ? (row.endedAt.getTime() - row.startedAt.getTime()) / 1000 : null,
    outcome: row.outcome,
    exitCode: row.exitCode,
    message: row.message,
  };
}

/** A flip of a service's history in the protocol's form. */
export function toFlip(row: FlipRow): Flip {
  return {
    at: unixSeconds(row.at),
    from: row.fromStatus as FlipStatus | null,
    to: row.toStatus as FlipStatus,
    cause: row.cause as FlipCause,
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
    channelName: row.channelName,
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

/** The protocol's channel view: settings without a secret, and the names of the secrets set. */
export function toChannelView(row: ChannelRow, usedBy: string[]): ChannelView {
  return {
    name: row.name,
    type: row.type as ChannelType,
    settings: row.settings,
    secrets: secretNames(row),
    templates: row.templates as ChannelView['templates'],
    source: row.source as ChannelSource,
    created: unixSeconds(row.createdAt),
    updated: unixSeconds(row.updatedAt),
    usedBy,
  };
}
