"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { audit } from "@/lib/audit";
import { getDatasetByName, insertDataset } from "@/lib/db/queries/datasets";
import { datasetDefinitionSchema } from "@/lib/datasets/definition";
import { PublicError } from "@/lib/errors";
import { workspaceAction } from "../workspace-action";

export const createDataset = workspaceAction(
  "editData",
  z.object({
    name: z.string().trim().min(1, "Give the dataset a name").max(100),
    description: z.string().trim().max(500).default(""),
    definition: datasetDefinitionSchema,
  }),
  async ({ name, description, definition }, { db, workspaceId, actor }) => {
    if (await getDatasetByName(db, { workspaceId, name })) throw new PublicError(`A dataset named "${name}" already exists`);
    const dataset = await insertDataset(db, { workspaceId, name, description, definition });
    await audit(db, { workspaceId, actor, action: "dataset.created", target: { type: "dataset", id: dataset.id, name } });
    revalidatePath("/datasets");
    return { id: dataset.id };
  },
);
