-- Events are partitioned by day (UTC) so that retention drops a whole day's table instead
-- of deleting its rows one by one. An existing events table is converted here: its rows
-- move into the partitions of their days, ids and idempotency keys kept.
ALTER TABLE "events" RENAME TO "events_unpartitioned";--> statement-breakpoint
ALTER TABLE "events_unpartitioned" RENAME CONSTRAINT "events_pkey" TO "events_unpartitioned_pkey";--> statement-breakpoint
ALTER INDEX "events_idempotency_key_idx" RENAME TO "events_unpartitioned_idempotency_key_idx";--> statement-breakpoint
ALTER INDEX "events_service_date_idx" RENAME TO "events_unpartitioned_service_date_idx";--> statement-breakpoint
ALTER INDEX "events_date_idx" RENAME TO "events_unpartitioned_date_idx";--> statement-breakpoint
ALTER INDEX "events_message_trgm_idx" RENAME TO "events_unpartitioned_message_trgm_idx";--> statement-breakpoint
ALTER SEQUENCE "events_id_seq" RENAME TO "events_unpartitioned_id_seq";--> statement-breakpoint
-- A partitioned table cannot have an identity column before PostgreSQL 17: a sequence instead.
CREATE SEQUENCE "public"."events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "events" (
	"id" bigint DEFAULT nextval('events_id_seq') NOT NULL,
	"service" text NOT NULL,
	"level" integer NOT NULL,
	"message" text NOT NULL,
	"date" timestamp with time zone NOT NULL,
	"idempotency_key" text,
	CONSTRAINT "events_id_date_pk" PRIMARY KEY("id","date")
) PARTITION BY RANGE ("date");--> statement-breakpoint
ALTER SEQUENCE "events_id_seq" OWNED BY "events"."id";--> statement-breakpoint
-- Dates no day partition covers land here, so that no insert ever fails for want of one.
CREATE TABLE "events_default" PARTITION OF "events" DEFAULT;--> statement-breakpoint
-- Creates the partition of one UTC day unless it exists. Rows of that day already in the
-- default partition (PostgreSQL refuses a partition whose range has rows there) are moved
-- into the new table before it is attached. An advisory lock makes concurrent callers
-- (several processes on one database) take turns; the second finds the table made.
CREATE OR REPLACE FUNCTION watchtower_event_partition(day date) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  name text := 'events_p' || to_char(day, 'YYYYMMDD');
  low timestamptz := day::timestamp AT TIME ZONE 'UTC';
  high timestamptz := (day + 1)::timestamp AT TIME ZONE 'UTC';
BEGIN
  PERFORM pg_advisory_xact_lock(746574012);
  IF to_regclass(format('public.%I', name)) IS NOT NULL THEN
    RETURN false;
  END IF;
  IF EXISTS (SELECT 1 FROM events_default WHERE date >= low AND date < high) THEN
    EXECUTE format('CREATE TABLE public.%I (LIKE events INCLUDING DEFAULTS)', name);
    EXECUTE format(
      'WITH moved AS (DELETE FROM events_default WHERE date >= %L AND date < %L RETURNING *) INSERT INTO public.%I SELECT * FROM moved',
      low, high, name);
    EXECUTE format('ALTER TABLE events ATTACH PARTITION public.%I FOR VALUES FROM (%L) TO (%L)', name, low, high);
  ELSE
    EXECUTE format('CREATE TABLE public.%I PARTITION OF events FOR VALUES FROM (%L) TO (%L)', name, low, high);
  END IF;
  RETURN true;
END
$$;--> statement-breakpoint
-- A partition for each day that has events, and for today and the week ahead.
DO $$
DECLARE
  day date;
BEGIN
  FOR day IN
    SELECT DISTINCT (date AT TIME ZONE 'UTC')::date FROM events_unpartitioned
    UNION
    SELECT ((now() AT TIME ZONE 'UTC')::date + n) FROM generate_series(0, 7) n
  LOOP
    PERFORM watchtower_event_partition(day);
  END LOOP;
END
$$;--> statement-breakpoint
INSERT INTO "events" ("id", "service", "level", "message", "date", "idempotency_key")
  SELECT "id", "service", "level", "message", "date", "idempotency_key" FROM "events_unpartitioned";--> statement-breakpoint
SELECT setval('events_id_seq', coalesce((SELECT max("id") FROM "events_unpartitioned"), 0) + 1, false);--> statement-breakpoint
CREATE TABLE "event_keys" (
	"key" text PRIMARY KEY NOT NULL,
	"date" timestamp with time zone NOT NULL
);
--> statement-breakpoint
INSERT INTO "event_keys" ("key", "date")
  SELECT "idempotency_key", "date" FROM "events_unpartitioned" WHERE "idempotency_key" IS NOT NULL;--> statement-breakpoint
DROP TABLE "events_unpartitioned";--> statement-breakpoint
-- Indexes last: built once over the moved rows rather than kept up row by row.
CREATE INDEX "events_idempotency_key_idx" ON "events" USING btree ("idempotency_key") WHERE "events"."idempotency_key" is not null;--> statement-breakpoint
CREATE INDEX "events_service_date_idx" ON "events" USING btree ("service","date" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "events_date_idx" ON "events" USING btree ("date" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "events_message_trgm_idx" ON "events" USING gin ("message" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "event_keys_date_idx" ON "event_keys" USING btree ("date");--> statement-breakpoint
CREATE TABLE "event_level_purges" (
	"partition" text NOT NULL,
	"level" text NOT NULL,
	CONSTRAINT "event_level_purges_partition_level_pk" PRIMARY KEY("partition","level")
);
--> statement-breakpoint
CREATE INDEX "flips_at_idx" ON "flips" USING btree ("at");--> statement-breakpoint
CREATE INDEX "runs_ended_idx" ON "runs" USING btree ("ended_at");
