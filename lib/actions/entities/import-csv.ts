"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { announceRecordsChanged } from "@/inngest/requests";
import { entityNames } from "@/lib/entities/catalog";
import { importCsvText } from "@/lib/entities/csv-import";
import { workspaceAction } from "../workspace-action";

export const importCsv = workspaceAction(
  "editData",
  z.object({
    entity: z.enum(entityNames, { error: "Pick what the file contains" }),
    file: z
      .instanceof(File, { error: "Choose a CSV file" })
      .refine((f) => f.size > 0, "The file is empty")
      .refine((f) => f.size <= 64 * 1024 * 1024, "The file is larger than 64 MB: split it"),
  }),
  async ({ entity, file }, { db, workspaceId }) => {
    const imported = await importCsvText(db, { workspaceId, entity, text: await file.text() });
    await announceRecordsChanged(db, { workspaceId, entity, count: imported });
    revalidatePath("/datasets", "layout");
    return { imported };
  },
);
