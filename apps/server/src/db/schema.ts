import { ALERT_KINDS, ALERT_STATUSES } from '@watchtower/protocol';
import { sql } from 'drizzle-orm';
import { bigint, boolean, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const instant = () => timestamp({ withTimezone: true, mode: 'date' });

export const heartbeats = pgTable(
  'heartbeats',
  {
    service: text().primaryKey(),
    alertType: text().notNull(),
    alertTarget: text().notNull(),
    nextIn: doublePrecision().notNull(),
    lastAt: instant().notNull(),
    expectedAt: instant().notNull(),
    alerted: boolean().notNull().default(false),
    cancelled: boolean().notNull().default(false),
    // Optional pulse fields of the protocol (message, nag interval, early warning, snooze).
    message: text(),
    remindEvery: doublePrecision(),
    warnBefore: doublePrecision(),
    snoozedUntil: instant(),
    createdAt: instant().notNull().defaultNow(),
  },
  (table) => [
    // The sweeper looks only for armed rows by deadline; the partial index stays small.
    index('heartbeats_armed_expected_idx').on(table.expectedAt).where(sql`not ${table.alerted} and not ${table.cancelled}`),
  ],
);

export const events = pgTable(
  'events',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    service: text().notNull(),
    level: integer().notNull(),
    message: text().notNull(),
    date: instant().notNull(),
    // The client's Idempotency-Key: a retried POST /event finds its first copy instead of adding another.
    idempotencyKey: text(),
  },
  (table) => [
    uniqueIndex('events_idempotency_key_idx').on(table.idempotencyKey).where(sql`${table.idempotencyKey} is not null`),
    // Newest-first listing, keyset-paged on (date, id), with and without a service filter.
    index('events_service_date_idx').on(table.service, table.date.desc(), table.id.desc()),
    index('events_date_idx').on(table.date.desc(), table.id.desc()),
    // Case-insensitive "contains" (ILIKE '%…%') on message uses trigrams.
    index('events_message_trgm_idx').using('gin', sql`${table.message} gin_trgm_ops`),
  ],
);

export type HeartbeatRow = typeof heartbeats.$inferSelect;
export type EventRow = typeof events.$inferSelect;

export type { AlertKind, AlertStatus } from '@watchtower/protocol';

/**
 * The outbox: an alert is a row before it is a message, written in the same transaction
 * as the change that causes it, and delivered (with retries) by the sender loop.
 */
export const alerts = pgTable(
  'alerts',
  {
    // Random, and sent to providers as the idempotency key / webhook id.
    id: text().primaryKey().default(sql`gen_random_uuid()::text`),
    kind: text({ enum: ALERT_KINDS }).notNull(),
    service: text().notNull(),
    channel: text().notNull(),
    target: text().notNull(),
    // What the message says: when the service last pulsed, its deadline, the event text…
    details: jsonb().$type<Record<string, unknown>>().notNull(),
    status: text({ enum: ALERT_STATUSES }).notNull().default('pending'),
    attempts: integer().notNull().default(0),
    // When a sender claims an alert it moves this a lease ahead: a sender that dies
    // mid-delivery leaves the alert due again once the lease runs out.
    nextAttemptAt: instant().notNull(),
    lastError: text(),
    // Set by each claim; an outcome is written only by the sender holding the current claim.
    claimToken: text(),
    createdAt: instant().notNull(),
    sentAt: instant(),
  },
  (table) => [
    // The sender's claim: pending rows by due time.
    index('alerts_pending_due_idx').on(table.nextAttemptAt).where(sql`${table.status} = 'pending'`),
    // Alerts given up, by when (a failed alert keeps that time in next_attempt_at): /healthz counts them.
    index('alerts_failed_at_idx').on(table.nextAttemptAt).where(sql`${table.status} = 'failed'`),
    // One service's pending alerts in creation order: an alert waits for the older ones.
    index('alerts_pending_service_idx').on(table.service, table.createdAt).where(sql`${table.status} = 'pending'`),
    // The deliveries list, newest first.
    index('alerts_created_idx').on(table.createdAt.desc()),
  ],
);

export type AlertRow = typeof alerts.$inferSelect;

/** One row per server process, refreshed while it runs: how the server knows it was down. */
export const serverInstances = pgTable('server_instances', {
  id: text().primaryKey(),
  startedAt: instant().notNull(),
  seenAt: instant().notNull(),
  stopped: boolean().notNull().default(false),
});
