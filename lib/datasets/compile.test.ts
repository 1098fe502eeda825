import { beforeAll, describe, expect, it } from "vitest";
import { countDatasetRows, insertDataset, previewDatasetRows } from "@/lib/db/queries/datasets";
import { builtInDatasets } from "@/lib/demo/datasets";
import { generateDemoData } from "@/lib/demo/generate";
import { upsertRecords } from "@/lib/entities/upsert";
import { newWorkspace, smallScale, connectTestDb } from "@/test/db";
import { datasetDefinitionSchema } from "./definition";

const { db } = connectTestDb();
const demo = generateDemoData(smallScale);
const contactsDataset = datasetDefinitionSchema.parse(builtInDatasets.find((d) => d.name === "Contacts")!.definition);
let workspaceId: string;

beforeAll(async () => {
  workspaceId = await newWorkspace(db, { seed: smallScale });
});

const allRows = (definition: typeof contactsDataset, ws = workspaceId) => previewDatasetRows(db, { workspaceId: ws, definition, limit: 100_000, offset: 0 });

describe("dataset compiler over the demo data", () => {
  it("computes order aggregates and the latest consents per contact", async () => {
    const rows = await allRows(contactsDataset);
    expect(rows).toHaveLength(smallScale.contacts);
    for (const contact of demo.contacts.slice(0, 60)) {
      const row = rows.find((r) => r.id === contact.id)!;
      const orders = demo.orders.filter((o) => o.contactId === contact.id);
      expect(row.email).toBe(contact.email);
      expect(row.orders_count).toBe(orders.length);
      expect(row.total_spent).toBeCloseTo(orders.reduce((s, o) => s + Number(o.total), 0), 2);
      const last = orders.map((o) => o.orderedAt.getTime()).sort((a, b) => b - a)[0];
      expect(row.last_order_at).toBe(last === undefined ? null : new Date(last).toISOString().replace("Z", "000Z"));
      const email = demo.consents.find((c) => c.contactId === contact.id && c.channel === "email");
      expect(row.email_consent).toBe(email?.status ?? null);
    }
  });

  it("returns rows in key order, page after page, and counts them", async () => {
    expect(await countDatasetRows(db, { workspaceId, definition: contactsDataset })).toBe(smallScale.contacts);
    const first = await previewDatasetRows(db, { workspaceId, definition: contactsDataset, limit: 25, offset: 0 });
    const second = await previewDatasetRows(db, { workspaceId, definition: contactsDataset, limit: 25, offset: 25 });
    const ids = [...first, ...second].map((r) => r.id as string);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(50);
  });

  it("joins the fields of related records", async () => {
    const orders = datasetDefinitionSchema.parse(builtInDatasets.find((d) => d.name === "Orders")!.definition);
    const [row] = await previewDatasetRows(db, { workspaceId, definition: orders, limit: 1, offset: 0 });
    const order = demo.orders[0]!;
    const contact = demo.contacts.find((c) => c.id === order.contactId)!;
    expect(row).toMatchObject({ id: order.id, contact_email: contact.email, contact_country: contact.country, total: Number(order.total) });
  });

  it("keeps each workspace's rows to itself", async () => {
    const other = await newWorkspace(db);
    expect(await countDatasetRows(db, { workspaceId: other, definition: contactsDataset })).toBe(0);
  });

  it("binds filter values as parameters and casts trait values safely", async () => {
    const ws = await newWorkspace(db);
    await upsertRecords(db, {
      workspaceId: ws,
      entity: "contacts",
      records: [
        { id: "a", traits: { score: "12.5", vip: "true", since: "2024-02-30" } },
        { id: "b", traits: { score: "lots", vip: "maybe", since: "2024-02-03" } },
      ],
    });
    await upsertRecords(db, { workspaceId: ws, entity: "consents", records: [{ id: "a:email", contact_id: "a", channel: "email", status: "granted" }] });
    const definition = datasetDefinitionSchema.parse({
      baseEntity: "contacts",
      fields: ["id"],
      aggregates: [{ name: "tricky", collection: "consents", fn: "count", where: { field: "channel", equals: "email' OR '1'='1" } }],
      traits: [
        { key: "score", type: "number" },
        { key: "vip", type: "boolean" },
        { key: "since", type: "date" },
      ],
    });
    const dataset = await insertDataset(db, { workspaceId: ws, name: "Traits", definition });
    expect(dataset.columns.map((c) => c.name)).toEqual(["id", "tricky", "score", "vip", "since"]);
    expect(await allRows(definition, ws)).toEqual([
      { id: "a", tricky: 0, score: 12.5, vip: true, since: null },
      { id: "b", tricky: 0, score: null, vip: null, since: "2024-02-03" },
    ]);
  });
});
