import "server-only";
import { z } from "zod";
import { entityNames } from "@/lib/entities/catalog";
import { eraseRecords } from "@/lib/entities/erase";
import { ingestRecords } from "@/lib/entities/ingest";
import { duplicateIds, type EntityRecord, recordSchema } from "@/lib/entities/records";
import { defineRoute, nameParam } from "../route";

const MAX_RECORDS = 5_000;

const entityParams = z.object({
  entity: z.enum(entityNames, { error: (i) => `Unknown entity "${String(i.input)}": use one of ${entityNames.join(", ")}` }),
});

export const upsertEntityRecords = defineRoute({
  method: "POST",
  path: "/entities/{entity}/records",
  tag: "Entities",
  summary: "Insert or update records by id (fields left out keep their values; traits are merged)",
  params: entityParams,
  body: z.object({ records: z.array(z.record(z.string(), z.unknown())).min(1).max(MAX_RECORDS) }),
  bodyFor: ({ entity }) =>
    z.strictObject({
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
          { when: ({ value }) => Array.isArray(value) },
        ),
    }),
  response: z.object({ entity: z.string(), upserted: z.number() }),
  handle: async ({ params, body, db, workspaceId }) => {
    const upserted = await ingestRecords(db, { workspaceId, entity: params.entity, records: body.records as EntityRecord[] });
    return { data: { entity: params.entity, upserted } };
  },
});

export const eraseEntityRecords = defineRoute({
  method: "DELETE",
  path: "/entities/{entity}/records",
  tag: "Entities",
  summary: "Erase records (right to be forgotten). Erasing contacts also erases their consents and detaches their orders; syncs with on-leave 'delete' remove them from destinations on their next run.",
  params: entityParams,
  body: z.strictObject({ ids: z.array(nameParam.max(200)).min(1).max(MAX_RECORDS) }),
  response: z.object({ entity: z.string(), erased: z.number() }),
  handle: async ({ params, body, db, workspaceId, actor }) => ({ data: { entity: params.entity, erased: await eraseRecords(db, { workspaceId, actor, entity: params.entity, ids: body.ids }) } }),
});
