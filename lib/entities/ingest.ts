import "server-only";
import { announceRecordsChanged } from "@/inngest/requests";
import type { Db } from "@/lib/db/client";
import { transactionWithRetry } from "@/lib/db/transaction";
import type { EntityName } from "./catalog";
import type { EntityRecord } from "./records";
import { upsertRecords } from "./upsert";

/** Stores records sent to the ingest endpoint (insert or update by id), then tells the real-time syncs that read the entity. */
export async function ingestRecords(db: Db, p: { workspaceId: string; entity: EntityName; records: EntityRecord[] }) {
  const upserted = await transactionWithRetry(db, (tx) => upsertRecords(tx, p));
  await announceRecordsChanged(db, { workspaceId: p.workspaceId, entity: p.entity, count: upserted });
  return upserted;
}
