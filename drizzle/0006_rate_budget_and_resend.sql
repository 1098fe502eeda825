CREATE TABLE "rate_budget_events" (
	"connection_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "only_keys" text[];--> statement-breakpoint
CREATE INDEX "rate_budget_events_idx" ON "rate_budget_events" USING btree ("connection_id","at");