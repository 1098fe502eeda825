-- A row whose id or parent ids an update changes leaves a tombstone of what it was, so incremental plans look at
-- its old parents again. It was a statement trigger joining the update's old and new rows: PL/pgSQL keeps the plan
-- of that join from its first use in a session, so after a one-row update every later bulk update joined its
-- thousands of rows in a nested loop (seconds per 5,000 rows, quadratic). A row trigger that fires only when one
-- of those columns changes does the same work in linear time, and not at all for the usual update.
DROP TRIGGER relay_moved ON contacts;--> statement-breakpoint
DROP TRIGGER relay_moved ON products;--> statement-breakpoint
DROP TRIGGER relay_moved ON orders;--> statement-breakpoint
DROP TRIGGER relay_moved ON order_items;--> statement-breakpoint
DROP TRIGGER relay_moved ON consents;--> statement-breakpoint
DROP FUNCTION relay_entity_moved();--> statement-breakpoint
CREATE FUNCTION relay_entity_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO entity_tombstones (workspace_id, entity, id, contact_id, order_id, product_id)
  SELECT OLD.workspace_id, TG_TABLE_NAME, OLD.id, r ->> 'contact_id', r ->> 'order_id', r ->> 'product_id' FROM to_jsonb(OLD) r;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER relay_moved AFTER UPDATE ON contacts FOR EACH ROW
  WHEN ((OLD.workspace_id, OLD.id) IS DISTINCT FROM (NEW.workspace_id, NEW.id)) EXECUTE FUNCTION relay_entity_moved();--> statement-breakpoint
CREATE TRIGGER relay_moved AFTER UPDATE ON products FOR EACH ROW
  WHEN ((OLD.workspace_id, OLD.id) IS DISTINCT FROM (NEW.workspace_id, NEW.id)) EXECUTE FUNCTION relay_entity_moved();--> statement-breakpoint
CREATE TRIGGER relay_moved AFTER UPDATE ON orders FOR EACH ROW
  WHEN ((OLD.workspace_id, OLD.id, OLD.contact_id) IS DISTINCT FROM (NEW.workspace_id, NEW.id, NEW.contact_id)) EXECUTE FUNCTION relay_entity_moved();--> statement-breakpoint
CREATE TRIGGER relay_moved AFTER UPDATE ON order_items FOR EACH ROW
  WHEN ((OLD.workspace_id, OLD.id, OLD.order_id, OLD.product_id) IS DISTINCT FROM (NEW.workspace_id, NEW.id, NEW.order_id, NEW.product_id)) EXECUTE FUNCTION relay_entity_moved();--> statement-breakpoint
CREATE TRIGGER relay_moved AFTER UPDATE ON consents FOR EACH ROW
  WHEN ((OLD.workspace_id, OLD.id, OLD.contact_id) IS DISTINCT FROM (NEW.workspace_id, NEW.id, NEW.contact_id)) EXECUTE FUNCTION relay_entity_moved();
