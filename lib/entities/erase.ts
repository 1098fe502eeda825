import "server-only";
import { announceRecordsChanged } from "@/inngest/requests";
import { type Actor, audit } from "@/lib/audit";
import type { Db } from "@/lib/db/client";
import { deleteEntityRecords } from "@/lib/db/queries/entities";
import { transactionWithRetry } from "@/lib/db/transaction";
import type { EntityName } from "./catalog";

/**
 * Erases records (right to be forgotten); syncs with on-leave "delete" remove them from destinations on their next
 * run. The audit log says who erased how many records of which entity, not whose (the ids may be personal data).
 */
export async function eraseRecords(db: Db, p: { workspaceId: string; actor: Actor; entity: EntityName; ids: string[] }) {
  const erased = await transactionWithRetry(db, async (tx) => {
    const count = await deleteEntityRecords(tx, p);
    await audit(tx, { workspaceId: p.workspaceId, actor: p.actor, action: "records.erased", target: { type: "entity", name: p.entity }, details: { requested: p.ids.length, erased: count } });
    return count;
  });
  await announceRecordsChanged(db, { workspaceId: p.workspaceId, entity: p.entity, count: erased });
  return erased;
}
