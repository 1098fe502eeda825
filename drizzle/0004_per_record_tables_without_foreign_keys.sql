ALTER TABLE "sync_record_logs" DROP CONSTRAINT "sync_record_logs_workspace_id_workspaces_id_fk";
--> statement-breakpoint
ALTER TABLE "sync_record_logs" DROP CONSTRAINT "sync_record_logs_run_id_sync_runs_id_fk";
--> statement-breakpoint
ALTER TABLE "sync_record_logs" DROP CONSTRAINT "sync_record_logs_sync_id_syncs_id_fk";
--> statement-breakpoint
ALTER TABLE "sync_records" DROP CONSTRAINT "sync_records_workspace_id_workspaces_id_fk";
--> statement-breakpoint
ALTER TABLE "sync_records" DROP CONSTRAINT "sync_records_sync_id_syncs_id_fk";
--> statement-breakpoint
ALTER TABLE "sync_run_items" DROP CONSTRAINT "sync_run_items_workspace_id_workspaces_id_fk";
--> statement-breakpoint
ALTER TABLE "sync_run_items" DROP CONSTRAINT "sync_run_items_run_id_sync_runs_id_fk";
