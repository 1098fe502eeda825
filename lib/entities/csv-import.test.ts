import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { contacts, orders } from "@/lib/db/schema";
import { PublicError } from "@/lib/errors";
import { newWorkspace, connectTestDb } from "@/test/db";
import { importCsvText, parseCsvRecords } from "./csv-import";

const { db } = connectTestDb();

async function importError(p: Parameters<typeof importCsvText>[1]): Promise<PublicError> {
  const error = await importCsvText(db, p).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(PublicError);
  return error as PublicError;
}

describe("CSV import", () => {
  it("imports every line, keeps unknown columns as traits, and updates rows with the same id", async () => {
    const workspaceId = await newWorkspace(db);
    const file = '\uFEFFid;Email;first name;loyalty_tier\nc1;ANA@EXAMPLE.COM;Ana;gold\nc2;"bo@example.com";"Bo; Jr";\n';
    expect(await importCsvText(db, { workspaceId, entity: "contacts", text: file })).toBe(2);
    const stored = await db.query.contacts.findMany({ where: eq(contacts.workspaceId, workspaceId), orderBy: contacts.id });
    expect(stored.map((c) => [c.id, c.email, c.firstName, c.traits])).toEqual([
      ["c1", "ANA@EXAMPLE.COM", "Ana", { loyalty_tier: "gold" }],
      ["c2", "bo@example.com", "Bo; Jr", {}],
    ]);
    await importCsvText(db, { workspaceId, entity: "contacts", text: "id,city\nc1,Lyon\n" });
    const c1 = await db.query.contacts.findFirst({ where: and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, "c1")) });
    expect(c1).toMatchObject({ email: "ANA@EXAMPLE.COM", city: "Lyon", traits: { loyalty_tier: "gold" } });
    expect(c1!.updatedAt.getTime()).toBeGreaterThan(stored[0]!.updatedAt.getTime());
  });

  it("reports every bad line with its number and imports nothing", async () => {
    const workspaceId = await newWorkspace(db);
    const file = [
      "id,contact_id,status,total,ordered_at",
      "o1,c1,paid,12.50,2024-05-01T10:00:00Z",
      "o2,c1,lost,12.50,2024-05-01T10:00:00Z",
      "o3,c1,paid,twelve,2024-05-01T10:00:00Z",
      ",c1,paid,1,2024-05-01T10:00:00Z",
      "o5,c1,paid,1,yesterday",
      "o6,c1,paid",
      "o1,c2,paid,3,2024-05-02T10:00:00Z",
    ].join("\n");
    const error = await importError({ workspaceId, entity: "orders", text: file });
    expect(error.message).toBe("6 of 7 lines have problems, so nothing was imported. Fix them and upload the file again.");
    expect(error.details!.map((d) => `${d.line}: ${d.message}`)).toEqual([
      "3: status must be one of pending, paid, shipped, delivered, cancelled, refunded",
      "4: total must be a number like 12 or 12.50",
      "5: id is required",
      "6: ordered_at must be an ISO 8601 date-time like 2024-05-31T14:00:00Z",
      expect.stringMatching(/^7: Unreadable line: /),
      '8: id "o1" appears on lines 2, 8',
    ]);
    expect(await db.$count(orders, eq(orders.workspaceId, workspaceId))).toBe(0);
  });

  it("reports values the database would refuse by line, instead of failing the whole import", async () => {
    const contactsFile = "id,email,birth_date\nc1,a\u0000b@example.com,\nc2,,0000-01-01\nc3,,2024-02-30\nc4,ok@example.com,2024-02-29\n";
    expect((await parseCsvRecords("contacts", contactsFile)).errors.map((e) => `${e.line}: ${e.field}`)).toEqual(["2: email", "3: birth_date", "4: birth_date"]);
    const itemsFile = "id,quantity,unit_price\ni1,1.5,1\ni2,10000000000,1\ni3,2,100000000000000000000\ni4,2,19.90\n";
    expect((await parseCsvRecords("order_items", itemsFile)).errors.map((e) => `${e.line}: ${e.message}`)).toEqual([
      "2: quantity must be a whole number",
      "3: quantity must be between -2,147,483,647 and 2,147,483,647",
      "4: unit_price must be between -9,999,999,999.99 and 9,999,999,999.99",
    ]);
  });

  it("explains a file it cannot use at all", async () => {
    const workspaceId = await newWorkspace(db);
    expect((await importError({ workspaceId, entity: "contacts", text: "email,email\na@b.c,d@e.f\n" })).details!.map((d) => d.message)).toEqual([
      'The header line has no "id" column',
      'The column "email" appears twice in the header line',
    ]);
    expect((await importError({ workspaceId, entity: "contacts", text: "id,email\n" })).message).toBe("The file has a header line but no records");
    const unclosed = await parseCsvRecords("contacts", 'id,email\nc1,"open quote\n');
    expect(unclosed.errors.length).toBeGreaterThan(0);
  });

  it("reads booleans, numbers and dates the way spreadsheets write them", async () => {
    const { records, errors } = await parseCsvRecords("products", "id,price,active\np1,19.90,yes\np2,,FALSE\np3,1e3,0\np4,1,perhaps\n");
    expect(errors.map((e) => `${e.line}: ${e.message}`)).toEqual(["5: active must be true or false"]);
    expect(records).toEqual([
      { id: "p1", price: 19.9, active: true },
      { id: "p2", price: null, active: false },
      { id: "p3", price: 1000, active: false },
    ]);
    const dates = await parseCsvRecords("contacts", "id,birth_date\nc1,1990-02-28\nc2,1990-02-30\nc3,28/02/1990\n");
    expect(dates.errors.map((e) => e.line)).toEqual([3, 4]);
  });
});
