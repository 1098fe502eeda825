"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import * as syncs from "@/lib/syncs/manage";
import { assertDeletionsConfirmed } from "@/lib/sync/try-out";
import { workspaceAction } from "../workspace-action";

/**
 * Creates or changes a sync; the whole configuration is checked against its dataset and destination.
 * A change whose next run would delete records is refused until the user confirms that many (`confirmedDeletions`).
 */
const saveSyncInput = z.object({ id: z.uuid().optional(), input: z.record(z.string(), z.unknown()), confirmedDeletions: z.number().int().min(0).optional() });

export const saveSync = workspaceAction("editSyncs", saveSyncInput, async ({ id, input, confirmedDeletions }, ctx) => {
  await assertDeletionsConfirmed(ctx.db, { workspaceId: ctx.workspaceId, syncId: id, input, confirmed: confirmedDeletions });
  const who = { workspaceId: ctx.workspaceId, actor: ctx.actor };
  const saved = id ? await syncs.changeSync(ctx.db, { ...who, syncId: id, input }) : { ...(await syncs.addSync(ctx.db, { ...who, input })), changed: true };
  revalidatePath("/syncs");
  revalidatePath("/dashboard");
  return { id: saved.id, changed: saved.changed };
});

export const removeSync = workspaceAction("editSyncs", z.object({ id: z.uuid() }), async ({ id }, ctx) => {
  await syncs.removeSync(ctx.db, { workspaceId: ctx.workspaceId, actor: ctx.actor, syncId: id });
  revalidatePath("/syncs");
  revalidatePath("/dashboard");
  return { id };
});
