import { z } from "zod";
import { announceRecordsChanged } from "@/inngest/requests";
import { apiRoute } from "@/lib/api/route";
import { entityNames } from "@/lib/entities/catalog";
import { duplicateIds, recordSchema } from "@/lib/entities/records";
import { upsertRecords } from "@/lib/entities/upsert";

const MAX_RECORDS = 5_000;

/** Batch upsert of entity records by id. */
export const POST = apiRoute(
  {
    params: z.object({
      entity: z.enum(entityNames, { error: (i) => `Unknown entity "${String(i.input)}": use one of ${entityNames.join(", ")}` }),
    }),
    body: ({ entity }) =>
      z.object({
        records: z
          .array(recordSchema(entity, "json"))
          .min(1, "Send at least one record")
          .max(MAX_RECORDS, `Send at most ${MAX_RECORDS} records per request`)
          .superRefine(
            (records, ctx) => {
              // Records without an id get a placeholder of their own, so indexes stay aligned.
              const ids = records.map((r, i) => String((r as { id?: unknown } | null)?.id ?? `\u0000${i}`));
              for (const [id, at] of duplicateIds(ids))
                ctx.addIssue({ code: "custom", path: [at[1]!, "id"], message: `id "${id}" appears more than once (records ${at.join(", ")})` });
            },
            // Report duplicates together with the records' other problems.
            { when: () => true },
          ),
      }),
  },
  async ({ params, body, db, workspaceId }) => {
    const upserted = await db.transaction((tx) =>
      upsertRecords(tx, { workspaceId, entity: params.entity, records: body.records as Parameters<typeof upsertRecords>[1]["records"] }),
    );
    await announceRecordsChanged({ workspaceId, entity: params.entity, count: upserted });
    return { data: { entity: params.entity, upserted } };
  },
);
