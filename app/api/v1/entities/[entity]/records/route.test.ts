import { and, eq, like } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { consents, contacts } from "@/lib/db/schema";
import { apiAs } from "@/test/api";
import { connectTestDb, newWorkspace } from "@/test/db";
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

  it("answers a body without a records array with 422, not 500", async () => {
    for (const raw of ["{}", '{"records":null}', "", '{"records":"x"}']) {
      const answer = await post("contacts", undefined, raw);
      expect(answer.status, raw).toBe(422);
      expect(Object.keys(answer.body.error!.fields!), raw).toEqual(["records"]);
    }
  });

  it("refuses values PostgreSQL would refuse with 422 naming the field, and stores nothing", async () => {
    // Sent as text: nested this deep, JSON.stringify itself overflows the stack.
    const deep = `{"id":"deep-1","traits":{"deep":${"[".repeat(100_000)}1${"]".repeat(100_000)}}}`;
    const cases: [string, Record<string, unknown> | string, string][] = [
      ["contacts", { id: "nul-1", email: "a\u0000b@example.com" }, "records.0.email"],
      ["contacts", { id: "nul\u00002" }, "records.0.id"],
      ["contacts", { id: "nul-3", traits: { "pl\u0000an": "pro" } }, "records.0.traits.pl\u0000an"],
      ["contacts", { id: "nul-4", traits: { plan: ["pro", "a\u0000"] } }, "records.0.traits.plan.1"],
      ["contacts", { id: "sur-1", first_name: "\uD800" }, "records.0.first_name"],
      ["contacts", deep, `records.0.traits.deep${".0".repeat(31)}`],
      ["contacts", { id: "d-1", birth_date: "0000-01-01" }, "records.0.birth_date"],
      ["contacts", { id: "d-2", birth_date: "2024-02-30" }, "records.0.birth_date"],
      ["contacts", { id: "d-3", birth_date: "1970-01-01junk" }, "records.0.birth_date"],
      ["orders", { id: "d-4", ordered_at: "0000-01-01T00:00:00Z" }, "records.0.ordered_at"],
      ["products", { id: "n-1", price: 1e20 }, "records.0.price"],
      ["order_items", { id: "n-2", quantity: 1.5 }, "records.0.quantity"],
      ["order_items", { id: "n-3", quantity: 1e10 }, "records.0.quantity"],
    ];
    const before = await db.$count(contacts, eq(contacts.workspaceId, workspaceId));
    for (const [entity, record, field] of cases) {
      const raw = `{"records":[${typeof record === "string" ? record : JSON.stringify(record)}]}`;
      const answer = await post(entity, undefined, raw);
      expect({ status: answer.status, fields: Object.keys(answer.body.error?.fields ?? {}) }, raw.slice(0, 80)).toEqual({ status: 422, fields: [field] });
    }
    expect(await db.$count(contacts, eq(contacts.workspaceId, workspaceId))).toBe(before);
    expect(await post("order_items", { records: [{ id: "n-4", quantity: 2_147_483_647, unit_price: 9_999_999_999.99 }] })).toMatchObject({ status: 200 });
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

/** A seeded shuffle, so a failure can be replayed. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe("concurrent ingest", () => {
  it("20 clients upserting the same 100 ids in different orders and shapes: no request fails", async () => {
    const ids = Array.from({ length: 100 }, (_, i) => `same-${String(i).padStart(3, "0")}`);
    const client = async (n: number) => {
      const statuses: number[] = [];
      for (let round = 0; round < 3; round++) {
        // Records of one request differ in the fields they carry, as real senders' do.
        const records = shuffled(ids, n * 10 + round).map((id, i) => (i % 3 === 0 ? { id, email: `${id}@example.com` } : i % 3 === 1 ? { id, city: `City ${n}` } : { id, traits: { client: n } }));
        const answer = await api.call(POST, { path: "/entities/contacts/records", params: { entity: "contacts" }, body: { records } });
        statuses.push(answer.status);
      }
      return statuses;
    };
    const statuses = (await Promise.all(Array.from({ length: 20 }, (_, n) => client(n)))).flat();
    const failed = statuses.filter((s) => s !== 200);
    console.log(`[concurrent ingest] ${statuses.length} requests, ${failed.length} failed (${[...new Set(failed)].join(", ") || "none"})`);
    expect(failed).toEqual([]);
    expect(await db.$count(contacts, and(eq(contacts.workspaceId, workspaceId), like(contacts.id, "same-%")))).toBe(100);
  });
});
