ALTER TABLE "syncs" ADD COLUMN "consent" jsonb;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "notice" text;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "held_back" integer DEFAULT 0 NOT NULL;