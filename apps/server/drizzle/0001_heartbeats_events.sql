CREATE TABLE "events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"service" text NOT NULL,
	"level" integer NOT NULL,
	"message" text NOT NULL,
	"date" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "heartbeats" (
	"service" text PRIMARY KEY NOT NULL,
	"alert_type" text NOT NULL,
	"alert_target" text NOT NULL,
	"next_in" double precision NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	"expected_at" timestamp with time zone NOT NULL,
	"alerted" boolean DEFAULT false NOT NULL,
	"cancelled" boolean DEFAULT false NOT NULL,
	"message" text,
	"remind_every" double precision,
	"warn_before" double precision,
	"snoozed_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "events_service_date_idx" ON "events" USING btree ("service","date" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "events_date_idx" ON "events" USING btree ("date" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "events_message_trgm_idx" ON "events" USING gin ("message" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "heartbeats_armed_expected_idx" ON "heartbeats" USING btree ("expected_at") WHERE not "heartbeats"."alerted" and not "heartbeats"."cancelled";