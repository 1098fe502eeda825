ALTER TABLE "sync_run_items" ADD COLUMN "row" jsonb;--> statement-breakpoint
ALTER TABLE "sync_run_items" ADD COLUMN "result_op" text;--> statement-breakpoint
ALTER TABLE "sync_run_items" ADD COLUMN "destination_id" text;--> statement-breakpoint
ALTER TABLE "sync_run_items" ADD COLUMN "identifiers" jsonb;--> statement-breakpoint
ALTER TABLE "sync_run_items" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sync_run_items" ADD COLUMN "error_kind" text;--> statement-breakpoint
ALTER TABLE "sync_run_items" ADD COLUMN "message" text;--> statement-breakpoint
ALTER TABLE "sync_run_items" ADD COLUMN "response_status" integer;--> statement-breakpoint
ALTER TABLE "sync_run_items" ADD COLUMN "response_body" text;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "batches" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "delivered" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "delivery_state" jsonb;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "scheduled_for" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "sync_runs_one_running_idx" ON "sync_runs" USING btree ("sync_id") WHERE status = 'running';--> statement-breakpoint
CREATE UNIQUE INDEX "sync_runs_scheduled_idx" ON "sync_runs" USING btree ("sync_id","scheduled_for");