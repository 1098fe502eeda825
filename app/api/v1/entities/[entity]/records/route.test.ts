import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { consents, contacts } from "@/lib/db/schema";
import { apiAs } from "@/lib/testing/api";
import { connectTestDb, newWorkspace } from "@/lib/testing/db";
import { DELETE, POST } from "./route";

const { db } = connectTestDb();
let workspaceId: string;
let api: Awaited<ReturnType<typeof apiAs>>;

beforeAll(async () => {
  workspaceId = await newWorkspace(db);
  api = await apiAs(db, workspaceId);
});

const post = (entity: string, body: unknown, raw?: string) => api.call(POST, { path: `/entities/${entity}/records`, params: { entity }, body, raw });

describe("POST /api/v1/entities/{entity}/records", () => {
  it("upserts a batch by id and stamps updated_at", async () => {
    const first = await post("contacts", { records: [{ id: "api-1", email: "a@example.com", traits: { plan: "pro" } }, { id: 2, email: "b@example.com" }] });
    expect(first).toEqual({ status: 200, body: { data: { entity: "contacts", upserted: 2 } } });
    const before = await db.query.contacts.findFirst({ where: and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, "api-1")) });
    await post("contacts", { records: [{ id: "api-1", country: "FR", traits: { seats: 3 } }] });
    const after = await db.query.contacts.findFirst({ where: and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, "api-1")) });
    expect(after).toMatchObject({ email: "a@example.com", country: "FR", traits: { plan: "pro", seats: 3 } });
    expect(after!.updatedAt.getTime()).toBeGreaterThan(before!.updatedAt.getTime());
    expect(await db.$count(contacts, and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, "2")))).toBe(1);
  });

  it("answers bad input with the right status and a clear message, and stores nothing", async () => {
    expect(await post("users", { records: [] })).toEqual({
      status: 404,
      body: { error: { message: 'Unknown entity "users": use one of contacts, products, orders, order_items, consents' } },
    });
    const malformed = await post("contacts", undefined, '{"records": [');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error!.message).toMatch(/^The body is not valid JSON/);

    const invalid = await post("consents", {
      records: [
        { id: "k1", contact_id: "c1", channel: "email", status: "granted" },
        { id: "k2", channel: "fax", status: "granted" },
        { id: "k3", status: "granted", colour: "red" },
        { id: "k1", status: "denied" },
      ],
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error!.fields).toEqual({
      "records.1.channel": ["must be one of email, sms, phone, push"],
      "records.2": ['Unknown field "colour": put extra fields under "traits"'],
      "records.3.id": ['id "k1" appears more than once (records 0, 3)'],
    });
    expect(await db.$count(consents, eq(consents.id, "k1"))).toBe(0);

    expect((await post("contacts", { records: [] })).body.error!.fields).toEqual({ records: ["Send at least one record"] });
    expect((await post("contacts", [{ id: "x" }])).status).toBe(422);
    expect((await api.call(POST, { path: "/entities/contacts/records", params: { entity: "contacts" }, body: { records: [{ id: "k" }] }, key: null })).status).toBe(401);
  });

  it("erases records, with a contact's consents, and detaches their orders", async () => {
    await post("contacts", { records: [{ id: "gone", email: "gone@example.com" }, { id: "stays" }] });
    await post("consents", { records: [{ id: "gone:email", contact_id: "gone", channel: "email", status: "granted" }] });
    await post("orders", { records: [{ id: "o-gone", contact_id: "gone", total: 10 }] });
    const erased = await api.call(DELETE, { path: "/entities/contacts/records", params: { entity: "contacts" }, body: { ids: ["gone", "never-existed"] }, method: "DELETE" });
    expect(erased).toEqual({ status: 200, body: { data: { entity: "contacts", erased: 1 } } });
    expect(await db.$count(contacts, and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, "gone")))).toBe(0);
    expect(await db.$count(consents, and(eq(consents.workspaceId, workspaceId), eq(consents.contactId, "gone")))).toBe(0);
    expect((await db.query.orders.findFirst({ where: (o, { and: a, eq: e }) => a(e(o.workspaceId, workspaceId), e(o.id, "o-gone")) }))?.contactId).toBeNull();
  });

  it("refuses bodies over 10 MB", async () => {
    const big = JSON.stringify({ records: [{ id: "x", city: "y".repeat(11 * 1024 * 1024) }] });
    const response = await post("contacts", undefined, big);
    expect(response.status).toBe(413);
  });
});
