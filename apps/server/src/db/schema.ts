import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  pgTable,
  text,
  timestamp,
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
  },
  (table) => [
    // The sweeper looks only for armed rows by deadline; the partial index stays small.
    index('heartbeats_armed_expected_idx')
      .on(table.expectedAt)
      .where(sql`not ${table.alerted} and not ${table.cancelled}`),
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
  },
  (table) => [
    // Newest-first listing, keyset-paged on (date, id), with and without a service filter.
    index('events_service_date_idx').on(table.service, table.date.desc(), table.id.desc()),
    index('events_date_idx').on(table.date.desc(), table.id.desc()),
    // Case-insensitive "contains" (ILIKE '%…%') on message uses trigrams.
    index('events_message_trgm_idx').using('gin', sql`${table.message} gin_trgm_ops`),
  ],
);

export type HeartbeatRow = typeof heartbeats.$inferSelect;
export type EventRow = typeof events.$inferSelect;
