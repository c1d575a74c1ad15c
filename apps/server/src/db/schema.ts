import { ALERT_KINDS, ALERT_STATUSES, KEY_SCOPES, RUN_OUTCOMES, SCHEDULE_KINDS } from '@watchtower/protocol';
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

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
    // The schedule: nextIn and period keep their seconds in next_in; cron keeps the length
    // of its current cycle there (restart grace gives one cycle).
    scheduleKind: text({ enum: SCHEDULE_KINDS }).notNull().default('nextIn'),
    cron: text(),
    tz: text(),
    grace: doublePrecision().notNull().default(0),
    maxRuntime: doublePrecision(),
    description: text(),
    tags: text().array().notNull().default(sql`'{}'::text[]`),
    channels: text().array().notNull().default(sql`'{}'::text[]`),
    dependsOn: text().array().notNull().default(sql`'{}'::text[]`),
    // Paused: not watched until resumed (a pulse does not resume it, unlike a cancel).
    paused: boolean().notNull().default(false),
    // False for a service made by PUT until its first signal: it is not watched before.
    signalled: boolean().notNull().default(true),
    // The start of the oldest run still open; its deadline is then start + maxRuntime.
    runStartedAt: instant(),
    // The deadline a "running late" notice was sent for: none again for the same deadline.
    lateNoticedFor: instant(),
    // When it was declared dead (or failed), and how many reminders followed since.
    diedAt: instant(),
    reminders: integer().notNull().default(0),
    // A death recorded but not alerted yet: held by a snooze, or by a parent that is dead.
    alertHeld: text({ enum: ['snooze', 'parent'] }),
    // The secret of the service's ping URL: 32 random bytes (two UUIDs' worth), URL-safe.
    pingToken: text()
      .notNull()
      .default(
        sql`translate(encode(decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'), 'base64'), '+/=', '-_')`,
      ),
  },
  (table) => [
    // The sweeper looks only for watched rows by deadline; the partial index stays small.
    index('heartbeats_watched_expected_idx')
      .on(table.expectedAt)
      .where(sql`not ${table.alerted} and not ${table.cancelled} and not ${table.paused} and ${table.signalled}`),
    uniqueIndex('heartbeats_ping_token_idx').on(table.pingToken),
    // The sweeper's other watches, each over the few services that use it: late notices,
    // reminders, and deaths held back by a snooze or a parent.
    index('heartbeats_warned_idx').on(table.expectedAt).where(sql`${table.warnBefore} is not null and not ${table.alerted}`),
    index('heartbeats_reminded_idx').on(table.diedAt).where(sql`${table.alerted} and ${table.remindEvery} is not null`),
    index('heartbeats_held_idx').on(table.diedAt).where(sql`${table.alertHeld} is not null`),
    // Snoozes under way: the sweeper ends each when its time comes.
    index('heartbeats_snoozed_idx').on(table.snoozedUntil).where(sql`${table.snoozedUntil} is not null`),
  ],
);

/** One run of a job: from its start signal (if any) to its success, failure or time-out. */
export const runs = pgTable(
  'runs',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    service: text().notNull(),
    // The client's run id: pairs the start and the end of one run when runs overlap.
    rid: text(),
    // Null for a run that ended without a start signal.
    startedAt: instant(),
    endedAt: instant(),
    outcome: text({ enum: RUN_OUTCOMES }).notNull(),
    exitCode: integer(),
    message: text(),
  },
  (table) => [
    // A service's runs, newest first, keyset-paged on id.
    index('runs_service_idx').on(table.service, table.id.desc()),
    // The runs of a service that have not ended (running, or past maxRuntime): an end signal closes one.
    index('runs_open_idx').on(table.service, table.startedAt).where(sql`${table.endedAt} is null`),
    // Retention: ended runs by age.
    index('runs_ended_idx').on(table.endedAt),
  ],
);

export type RunRow = typeof runs.$inferSelect;

/** Each change of a service's state, with its time and cause: its history, and its uptime. */
export const flips = pgTable(
  'flips',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    service: text().notNull(),
    at: instant().notNull(),
    fromStatus: text(),
    toStatus: text().notNull(),
    cause: text().notNull(),
  },
  (table) => [
    // A service's history newest first, keyset-paged on (at, id); uptime reads a window of it.
    index('flips_service_at_idx').on(table.service, table.at.desc(), table.id.desc()),
    // Retention: flips by age, whatever the service.
    index('flips_at_idx').on(table.at),
  ],
);

export type FlipRow = typeof flips.$inferSelect;

/** Settings the server keeps for itself, shared by every process (the badge key). */
export const serverSettings = pgTable('server_settings', {
  name: text().primaryKey(),
  value: text().notNull(),
});

/** API keys besides the configured password; only a hash of each secret is kept. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: text().primaryKey(),
    name: text().notNull(),
    scope: text({ enum: KEY_SCOPES }).notNull(),
    // SHA-256 of the secret, hex: secrets are 32 random bytes, so a slow hash adds nothing.
    secretHash: text().notNull(),
    createdAt: instant().notNull(),
    lastUsedAt: instant(),
  },
  (table) => [uniqueIndex('api_keys_secret_hash_idx').on(table.secretHash)],
);

export type ApiKeyRow = typeof apiKeys.$inferSelect;

/**
 * Named channels (`PUT /channels/:name`): a provider and its settings, defined once and
 * named by services. Secrets (tokens, passwords, webhook signing secrets) are kept apart
 * from the settings so that no answer can carry them by mistake.
 */
export const channels = pgTable('channels', {
  name: text().primaryKey(),
  type: text().notNull(),
  settings: jsonb().$type<Record<string, unknown>>().notNull(),
  secrets: jsonb().$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  // Per alert kind, the title and body that replace the built-in wording.
  templates: jsonb().$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  // 'api' when made through the API or the dashboard, 'config' when the config file defines it.
  source: text().notNull().default('api'),
  createdAt: instant().notNull(),
  updatedAt: instant().notNull(),
});

export type ChannelRow = typeof channels.$inferSelect;

// A partitioned table cannot have an identity column before PostgreSQL 17: ids come from a sequence.
export const eventIds = pgSequence('events_id_seq');

/**
 * The event log. Partitioned by range of `date`, one partition a UTC day (`events_pYYYYMMDD`)
 * and a default one for dates outside them; drizzle cannot say so: migration 0012 does, and
 * src/domain/retention/event-partitions.ts creates days ahead and drops them past retention.
 * Every unique index of a partitioned table must hold the partition key: the primary key is
 * (id, date), and idempotency keys are kept unique in `event_keys`.
 */
export const events = pgTable(
  'events',
  {
    id: bigint({ mode: 'number' }).notNull().default(sql`nextval('events_id_seq')`),
    service: text().notNull(),
    level: integer().notNull(),
    message: text().notNull(),
    date: instant().notNull(),
    // The client's Idempotency-Key: a retried POST /event finds its first copy instead of adding another.
    idempotencyKey: text(),
  },
  (table) => [
    primaryKey({ name: 'events_id_date_pk', columns: [table.id, table.date] }),
    // A retry finds the event stored under its key (unique through event_keys).
    index('events_idempotency_key_idx').on(table.idempotencyKey).where(sql`${table.idempotencyKey} is not null`),
    // Newest-first listing, keyset-paged on (date, id), with and without a service filter.
    index('events_service_date_idx').on(table.service, table.date.desc(), table.id.desc()),
    index('events_date_idx').on(table.date.desc(), table.id.desc()),
    // Case-insensitive "contains" (ILIKE '%…%') on message uses trigrams.
    index('events_message_trgm_idx').using('gin', sql`${table.message} gin_trgm_ops`),
  ],
);

/**
 * Idempotency keys of stored events, with the event's date: the one place a key is unique
 * across every partition of `events`. Removed with their events.
 */
export const eventKeys = pgTable(
  'event_keys',
  {
    key: text().primaryKey(),
    date: instant().notNull(),
  },
  // Retention: keys of events past it, by age.
  (table) => [index('event_keys_date_idx').on(table.date)],
);

/** Which level's rows retention has already removed from which events partition: each is scanned once. */
export const eventLevelPurges = pgTable(
  'event_level_purges',
  {
    partition: text().notNull(),
    level: text().notNull(),
  },
  (table) => [primaryKey({ columns: [table.partition, table.level] })],
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
    // The named channel this delivery goes to (its settings are read when it is sent), or
    // null for the classic alertType + alertTarget pair.
    channelName: text(),
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
