ALTER TABLE "import_records" DROP COLUMN "hash";--> statement-breakpoint
-- Whether a row changed is now told by the entity row itself; only imports that act on disappeared rows keep a ledger.
DELETE FROM "import_records" r USING "imports" i WHERE i."id" = r."import_id" AND i."on_missing" = 'nothing';
