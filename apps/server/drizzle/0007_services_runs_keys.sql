CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"scope" text NOT NULL,
	"secret_hash" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"last_used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"service" text NOT NULL,
	"rid" text,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"outcome" text NOT NULL,
	"exit_code" integer,
	"message" text
);
--> statement-breakpoint
DROP INDEX "heartbeats_armed_expected_idx";--> statement-breakpoint
ALTER TABLE "heartbeats" ADD COLUMN "schedule_kind" text DEFAULT 'nextIn' NOT NULL;--> statement-breakpoint
ALTER TABLE "heartbeats" ADD COLUMN "cron" text;--> statement-breakpoint
ALTER TABLE "heartbeats" ADD COLUMN "tz" text;--> statement-breakpoint
ALTER TABLE "heartbeats" ADD COLUMN "grace" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "heartbeats" ADD COLUMN "max_runtime" double precision;--> statement-breakpoint
ALTER TABLE "heartbeats" ADD COLUMN "description" text;--> statement-breakpoint
ALTER TABLE "heartbeats" ADD COLUMN "tags" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "heartbeats" ADD COLUMN "channels" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "heartbeats" ADD COLUMN "depends_on" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "heartbeats" ADD COLUMN "paused" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "heartbeats" ADD COLUMN "signalled" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "heartbeats" ADD COLUMN "run_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "heartbeats" ADD COLUMN "ping_token" text DEFAULT translate(encode(decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'), 'base64'), '+/=', '-_') NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_secret_hash_idx" ON "api_keys" USING btree ("secret_hash");--> statement-breakpoint
CREATE INDEX "runs_service_idx" ON "runs" USING btree ("service","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "runs_open_idx" ON "runs" USING btree ("service","started_at") WHERE "runs"."ended_at" is null;--> statement-breakpoint
CREATE INDEX "heartbeats_watched_expected_idx" ON "heartbeats" USING btree ("expected_at") WHERE not "heartbeats"."alerted" and not "heartbeats"."cancelled" and not "heartbeats"."paused" and "heartbeats"."signalled";--> statement-breakpoint
CREATE UNIQUE INDEX "heartbeats_ping_token_idx" ON "heartbeats" USING btree ("ping_token");