import "server-only";
import { announceRecordsChanged } from "@/inngest/requests";
import type { Db } from "@/lib/db/client";
import { deleteEntityRecords } from "@/lib/db/queries/entities";
import { transactionWithRetry } from "@/lib/db/transaction";
import type { EntityName } from "./catalog";

/** Erases records (right to be forgotten); syncs with on-leave "delete" remove them from destinations on their next run. */
export async function eraseRecords(db: Db, p: { workspaceId: string; entity: EntityName; ids: string[] }) {
  const erased = await transactionWithRetry(db, (tx) => deleteEntityRecords(tx, p));
  await announceRecordsChanged(db, { workspaceId: p.workspaceId, entity: p.entity, count: erased });
  return erased;
}
