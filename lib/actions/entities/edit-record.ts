"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { entityNames } from "@/lib/entities/catalog";
import { editRecord } from "@/lib/entities/edit-record";
import { text } from "@/lib/validation/text";
import { workspaceAction } from "../workspace-action";

export const saveRecord = workspaceAction(
  "editData",
  z.object({
    entity: z.enum(entityNames),
    id: text().min(1).max(200),
    values: z.record(z.string().max(100), text().max(10_000)),
  }),
  async ({ entity, id, values }, { db, workspaceId, role, actor }) => {
    const saved = await editRecord(db, { workspaceId, role, actor, entity, id, values });
    revalidatePath("/datasets", "layout");
    return { updatedAt: saved.updated_at.toISOString() };
  },
);
