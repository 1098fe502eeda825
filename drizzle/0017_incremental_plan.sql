CREATE TABLE "entity_tombstones" (
	"workspace_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"id" text NOT NULL,
	"contact_id" text,
	"order_id" text,
	"product_id" text,
	"removed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "consents" ADD COLUMN "changed_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "changed_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "order_items" ADD COLUMN "changed_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "changed_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "changed_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "watermark" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "plan_fingerprint" text;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD COLUMN "full_plan" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "entity_tombstones_removed_idx" ON "entity_tombstones" USING btree ("workspace_id","entity","removed_at");--> statement-breakpoint
CREATE INDEX "entity_tombstones_age_idx" ON "entity_tombstones" USING btree ("removed_at");--> statement-breakpoint
CREATE INDEX "consents_changed_at_idx" ON "consents" USING btree ("workspace_id","changed_at");--> statement-breakpoint
CREATE INDEX "contacts_changed_at_idx" ON "contacts" USING btree ("workspace_id","changed_at");--> statement-breakpoint
CREATE INDEX "order_items_changed_at_idx" ON "order_items" USING btree ("workspace_id","changed_at");--> statement-breakpoint
CREATE INDEX "orders_changed_at_idx" ON "orders" USING btree ("workspace_id","changed_at");--> statement-breakpoint
CREATE INDEX "products_changed_at_idx" ON "products" USING btree ("workspace_id","changed_at");--> statement-breakpoint
CREATE INDEX "sync_records_unsettled_idx" ON "sync_records" USING btree ("sync_id") WHERE status = 'failed' OR hash IS NULL;--> statement-breakpoint
CREATE FUNCTION relay_entity_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.changed_at := now();
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE FUNCTION relay_entity_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO entity_tombstones (workspace_id, entity, id, contact_id, order_id, product_id)
  SELECT o.workspace_id, TG_TABLE_NAME, o.id, r ->> 'contact_id', r ->> 'order_id', r ->> 'product_id'
    FROM relay_gone o CROSS JOIN LATERAL to_jsonb(o) r;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION relay_entity_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO entity_tombstones (workspace_id, entity, id, contact_id, order_id, product_id)
  SELECT o.workspace_id, TG_TABLE_NAME, o.id, ro ->> 'contact_id', ro ->> 'order_id', ro ->> 'product_id'
    FROM relay_old o CROSS JOIN LATERAL to_jsonb(o) ro
    LEFT JOIN relay_new n ON n.workspace_id = o.workspace_id AND n.id = o.id
    LEFT JOIN LATERAL to_jsonb(n) rn ON true
   WHERE n.id IS NULL
      OR (ro ->> 'contact_id', ro ->> 'order_id', ro ->> 'product_id') IS DISTINCT FROM (rn ->> 'contact_id', rn ->> 'order_id', rn ->> 'product_id');
  RETURN NULL;
END $$;--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['contacts', 'products', 'orders', 'order_items', 'consents'] LOOP
    EXECUTE format('CREATE TRIGGER relay_changed BEFORE UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION relay_entity_changed()', t);
    EXECUTE format('CREATE TRIGGER relay_deleted AFTER DELETE ON %I REFERENCING OLD TABLE AS relay_gone FOR EACH STATEMENT EXECUTE FUNCTION relay_entity_deleted()', t);
    EXECUTE format('CREATE TRIGGER relay_moved AFTER UPDATE ON %I REFERENCING OLD TABLE AS relay_old NEW TABLE AS relay_new FOR EACH STATEMENT EXECUTE FUNCTION relay_entity_moved()', t);
  END LOOP;
END $$;
