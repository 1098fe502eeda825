ALTER TABLE "syncs" ADD COLUMN "deletion_limit" jsonb DEFAULT '{"percent":20,"count":1000}'::jsonb;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "planned_deletes" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "confirmed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "confirmed_by" text;