import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { announceRecordsChanged } from "@/inngest/requests";
import { consents, contacts, entityTables, orders } from "@/lib/db/schema";
import { entityNames } from "@/lib/entities/catalog";
import { duplicateIds, recordSchema } from "@/lib/entities/records";
import { upsertRecords } from "@/lib/entities/upsert";
import { defineRoute } from "../route";

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
          { when: () => true },
        ),
    }),
  response: z.object({ entity: z.string(), upserted: z.number() }),
  handle: async ({ params, body, db, workspaceId }) => {
    const records = body.records as Parameters<typeof upsertRecords>[1]["records"];
    const upserted = await db.transaction((tx) => upsertRecords(tx, { workspaceId, entity: params.entity, records }));
    await announceRecordsChanged({ workspaceId, entity: params.entity, count: upserted });
    return { data: { entity: params.entity, upserted } };
  },
});

export const eraseEntityRecords = defineRoute({
  method: "DELETE",
  path: "/entities/{entity}/records",
  tag: "Entities",
  summary: "Erase records (right to be forgotten). Erasing contacts also erases their consents and detaches their orders; syncs with on-leave 'delete' remove them from destinations on their next run.",
  params: entityParams,
  body: z.strictObject({ ids: z.array(z.string().min(1).max(200)).min(1).max(MAX_RECORDS) }),
  response: z.object({ entity: z.string(), erased: z.number() }),
  handle: async ({ params, body, db, workspaceId }) => {
    const table = entityTables[params.entity];
    const erased = await db.transaction(async (tx) => {
      if (params.entity === "contacts") {
        await tx.delete(consents).where(and(eq(consents.workspaceId, workspaceId), inArray(consents.contactId, body.ids)));
        await tx.update(orders).set({ contactId: null, updatedAt: new Date() }).where(and(eq(orders.workspaceId, workspaceId), inArray(orders.contactId, body.ids)));
      }
      const deleted = await tx.delete(table).where(and(eq(table.workspaceId, workspaceId), inArray(table.id, body.ids))).returning({ id: contacts.id });
      return deleted.length;
    });
    await announceRecordsChanged({ workspaceId, entity: params.entity, count: erased });
    return { data: { entity: params.entity, erased } };
  },
});
