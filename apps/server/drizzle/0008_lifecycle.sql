CREATE TABLE "flips" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "flips_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"service" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"cause" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "server_settings" (
	"name" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "heartbeats" ADD COLUMN "late_noticed_for" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "heartbeats" ADD COLUMN "died_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "heartbeats" ADD COLUMN "reminders" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "heartbeats" ADD COLUMN "alert_held" text;--> statement-breakpoint
CREATE INDEX "flips_service_at_idx" ON "flips" USING btree ("service","at" DESC NULLS LAST,"id" DESC NULLS LAST);