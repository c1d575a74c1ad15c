ALTER TABLE "alerts" ADD COLUMN "claim_token" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "idempotency_key" text;--> statement-breakpoint
CREATE INDEX "alerts_pending_service_idx" ON "alerts" USING btree ("service","created_at") WHERE "alerts"."status" = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "events_idempotency_key_idx" ON "events" USING btree ("idempotency_key") WHERE "events"."idempotency_key" is not null;