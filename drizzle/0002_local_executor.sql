CREATE TABLE "inngest_cron_ticks" (
	"function_id" text NOT NULL,
	"fire_at" timestamp with time zone NOT NULL,
	CONSTRAINT "inngest_cron_ticks_function_id_fire_at_pk" PRIMARY KEY("function_id","fire_at")
);
--> statement-breakpoint
CREATE TABLE "inngest_events" (
	"internal_id" text PRIMARY KEY NOT NULL,
	"id" text,
	"name" text NOT NULL,
	"payload" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inngest_functions" (
	"id" text PRIMARY KEY NOT NULL,
	"app_id" text NOT NULL,
	"url" text NOT NULL,
	"config" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inngest_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"step_id" text,
	"step_name" text,
	"attempt" integer DEFAULT 0 NOT NULL,
	"outcome" text NOT NULL,
	"error" jsonb,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inngest_queue" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"function_id" text NOT NULL,
	"kind" text NOT NULL,
	"step_id" text NOT NULL,
	"attempt" integer DEFAULT 0 NOT NULL,
	"concurrency" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"due_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_owner" text,
	"lease_until" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "inngest_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"function_id" text NOT NULL,
	"event" jsonb NOT NULL,
	"status" text NOT NULL,
	"output" jsonb,
	"error" jsonb,
	"keys" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"max_attempts" integer NOT NULL,
	"parallel" integer DEFAULT 0 NOT NULL,
	"state_bytes" integer DEFAULT 0 NOT NULL,
	"parent_run_id" text,
	"parent_step_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "inngest_steps" (
	"run_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"op" text NOT NULL,
	"status" text NOT NULL,
	"seq" integer,
	"result" jsonb,
	"bytes" integer DEFAULT 0 NOT NULL,
	"wait_event" text,
	"wait_if" text,
	"child_run_id" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	CONSTRAINT "inngest_steps_run_id_id_pk" PRIMARY KEY("run_id","id")
);
--> statement-breakpoint
ALTER TABLE "inngest_history" ADD CONSTRAINT "inngest_history_run_id_inngest_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."inngest_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inngest_queue" ADD CONSTRAINT "inngest_queue_run_id_inngest_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."inngest_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inngest_steps" ADD CONSTRAINT "inngest_steps_run_id_inngest_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."inngest_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "inngest_events_id_idx" ON "inngest_events" USING btree ("id","received_at");--> statement-breakpoint
CREATE INDEX "inngest_history_run_idx" ON "inngest_history" USING btree ("run_id","id");--> statement-breakpoint
CREATE INDEX "inngest_queue_due_idx" ON "inngest_queue" USING btree ("due_at");--> statement-breakpoint
CREATE INDEX "inngest_queue_run_idx" ON "inngest_queue" USING btree ("run_id");--> statement-breakpoint
CREATE INDEX "inngest_runs_function_idx" ON "inngest_runs" USING btree ("function_id","status");--> statement-breakpoint
CREATE INDEX "inngest_runs_parent_idx" ON "inngest_runs" USING btree ("parent_run_id");--> statement-breakpoint
CREATE INDEX "inngest_steps_wait_idx" ON "inngest_steps" USING btree ("wait_event","status");