/** Syncs to the Salesforce sandbox through the real engine (plan → deliver → finalize on the local executor). */
import { and, eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { contacts, syncRecords } from "@/lib/db/schema";
import { upsertRecords } from "@/lib/entities/upsert";
import { salesforce } from ".";
import { defaultOrg, field } from "./sandbox-schema";
import { attempts, salesforceTestbed, writes } from "./sync-testbed";
import { connectorContext } from "@/lib/http/context";

const { db, startSandbox, connectionOf, setup } = salesforceTestbed();

describe("the Salesforce connection", () => {
  it("discovers the writable objects and their fields from describe, and says what is wrong in Test connection", async () => {
    const sandbox = await startSandbox();
    const connection = connectionOf(sandbox);
    expect((await salesforce.listObjects(connectorContext(connection))).map((o) => o.name)).toEqual(["Account", "Contact", "Lead", "Loyalty_Card__c"]);
    const fields = await salesforce.listFields(connectorContext(connection), "Contact");
    const byName = new Map(fields.map((f) => [f.name, f]));
    expect(byName.get("Id")).toMatchObject({ key: "primary", required: false });
    expect(byName.get("Relay_Id__c")).toMatchObject({ key: "unique", type: "string", description: expect.stringContaining("external ID") });
    expect(byName.get("LastName")).toMatchObject({ required: true, nullable: false, key: undefined });
    expect(byName.get("HasOptedOutOfEmail")).toMatchObject({ type: "boolean", required: false, nullable: false });
    expect(byName.get("OwnerId")).toMatchObject({ required: false, description: expect.stringContaining("Id of a User") });
    expect(byName.get("Birthdate")).toMatchObject({ type: "date", required: false });
    expect(byName.has("CreatedDate")).toBe(false);
    expect((await salesforce.listFields(connectorContext(connection), "Lead")).find((f) => f.name === "Relay_Key__c")).toMatchObject({ key: "unique" });
    // Asked again, Salesforce says nothing changed (304) and the kept describe answers.
    expect(await salesforce.listFields(connectorContext(connection), "Contact")).toEqual(fields);
    const describes = sandbox.dataRequests().filter((r) => r.path.endsWith("/sobjects/Contact/describe"));
    expect(describes.map((r) => r.status)).toEqual([200, 304]);
    await expect(salesforce.listFields(connectorContext(connection), "Nothing__c")).rejects.toThrow('Salesforce has no object "Nothing__c"');

    expect(await salesforce.test(connectorContext(connection))).toEqual({ ok: true, message: expect.stringMatching(/^Logged in: 7 objects visible; \d+ of 15,000 API calls used in the last 24 hours$/) });
    expect(await salesforce.test(connectorContext({ ...connection, secrets: { clientSecret: "wrong" } }))).toEqual({
      ok: false,
      message: "Salesforce refused the login (invalid_client: invalid client credentials): the consumer key and secret do not match: check the client secret",
    });
    sandbox.configure({ apiDisabled: true });
    expect(await salesforce.test(connectorContext(connection))).toMatchObject({ ok: false, message: expect.stringContaining("API_DISABLED_FOR_ORG: The REST API is not enabled for this Organization.): the org or the integration user has no API access") });
  });
});

describe("syncing to Salesforce", () => {
  it("upserts on the external ID: creates on the first run, then updates only what changed, and recreates a record deleted in Salesforce", async () => {
    const t = await setup();
    const first = await t.run();
    expect(first).toMatchObject({ status: "succeeded", created: 6 });
    expect(writes(first.requests)).toEqual(["PATCH /composite/sobjects/Contact/Relay_Id__c 200"]);
    const ada = t.byKey("c_00001")[0]!;
    const [row] = await db.select().from(contacts).where(and(eq(contacts.workspaceId, t.workspaceId), eq(contacts.id, "c_00001")));
    expect(ada).toMatchObject({ Email: row!.email!.trim().toLowerCase(), LastName: row!.lastName, MailingCountry: row!.country });
    expect(await db.query.syncRecords.findFirst({ where: and(eq(syncRecords.recordKey, "c_00001"), eq(syncRecords.destinationId, ada.Id)) })).toBeDefined();

    const second = await t.run();
    expect(second).toMatchObject({ status: "succeeded", planned: 0 });
    expect(writes(second.requests)).toEqual([]);
    await t.change("c_00003", "Changed");
    const third = await t.run();
    expect(third).toMatchObject({ status: "succeeded", updated: 1, created: 0 });
    expect(writes(third.requests)).toEqual(["PATCH /composite/sobjects/Contact/Relay_Id__c 200"]);
    expect(t.byKey("c_00003")).toMatchObject([{ FirstName: "Changed" }]);

    t.sandbox.remove(t.byKey("c_00002")[0]!.Id);
    await t.change("c_00002", "Back");
    expect(await t.run()).toMatchObject({ status: "succeeded", created: 1, updated: 0 });
    expect(t.byKey("c_00002")).toMatchObject([{ FirstName: "Back" }]);
    expect(t.held()).toHaveLength(6);
  });

  it("matching on a unique field: a create refused as DUPLICATE_VALUE updates the record named (15 → 18 characters), an update of a deleted record creates it", async () => {
    const t = await setup({ object: "Lead" });
    const existing = t.sandbox.insert("Lead", { LastName: "Earlier", Company: "Someone's import", Relay_Key__c: "c_00004" });
    const first = await t.run();
    expect(first).toMatchObject({ status: "succeeded", created: 6, updated: 0 });
    expect(writes(first.requests)).toEqual(["POST /composite/sobjects 200", "PATCH /composite/sobjects 200"]);
    const logs = await t.logOf(first.id, "c_00004");
    expect(attempts(logs)).toEqual([
      [1, "create", "failed", "duplicate"],
      [2, "update", "ok", null],
    ]);
    expect(logs[0]!.message).toBe(`DUPLICATE_VALUE: duplicate value found: Relay_Key__c duplicates value on record with id: ${existing.slice(0, 15)}: updating ${existing}`);
    expect(await t.itemOf(first.id, "c_00004")).toMatchObject({ status: "done", resultOp: "update", destinationId: existing, attempts: 2 });
    expect(t.byKey("c_00004")).toMatchObject([{ Id: existing, Company: "Relay demo" }]);
    expect(t.held()).toHaveLength(6);

    const [binned, purged] = [t.byKey("c_00002")[0]!.Id, t.byKey("c_00005")[0]!.Id];
    // One record is in the Recycle Bin, the other deleted for good (the bin emptied).
    t.sandbox.remove(purged);
    t.sandbox.purge();
    t.sandbox.remove(binned);
    await t.change("c_00002", "Back");
    await t.change("c_00005", "Again");
    const second = await t.run();
    expect(second).toMatchObject({ status: "succeeded", created: 2, updated: 0 });
    expect(writes(second.requests)).toEqual(["PATCH /composite/sobjects 200", "POST /composite/sobjects 200"]);
    expect((await t.logOf(second.id, "c_00002")).map((l) => [l.operation, l.status, l.errorKind, l.responseBody])).toEqual([
      ["update", "failed", "not_found", expect.stringContaining('"statusCode":"ENTITY_IS_DELETED"')],
      ["create", "ok", null, null],
    ]);
    expect((await t.logOf(second.id, "c_00005"))[0]).toMatchObject({ errorKind: "not_found", message: expect.stringMatching(/^INVALID_CROSS_REFERENCE_KEY: invalid cross reference id: the record \w{18} is gone, creating it again$/) });
    expect(t.byKey("c_00002")).toMatchObject([{ FirstName: "Back" }]);
    expect(t.held()).toHaveLength(6);
  });

  it("reports what Salesforce's validation refuses, record by record", async () => {
    const t = await setup({ object: "Lead", sandbox: { validate: (_object, r) => (r.Relay_Key__c === "c_00003" ? "Leads from this list need a phone number" : undefined) } });
    const run = await t.run();
    expect(run).toMatchObject({ status: "partial", created: 5, failed: 1 });
    expect(await t.itemOf(run.id, "c_00003")).toMatchObject({ status: "failed", errorKind: "rejected", message: "FIELD_CUSTOM_VALIDATION_EXCEPTION: Leads from this list need a phone number" });
  });

  it("sends values as the fields' describe types read them, and refuses unsent only the record with a value Salesforce could not read", async () => {
    const objects = defaultOrg();
    objects.find((o) => o.name === "Contact")!.fields.push(field("Last_Order__c", "date"), field("First_Order__c", "datetime"), field("Orders__c", "int"), field("Spent__c", "currency"));
    const t = await setup({
      sandbox: { objects },
      mapping: [
        // A user's default for a missing birth date: text a date field cannot take.
        { from: { field: "birth_date" }, to: "Birthdate", transforms: [{ type: "default", value: "unknown" }] },
        // Timestamps (microseconds, UTC) into a date field and a date-time field: the mapping check lets both through.
        { from: { field: "last_order_at" }, to: "Last_Order__c", transforms: [] },
        { from: { field: "first_order_at" }, to: "First_Order__c", transforms: [] },
        { from: { field: "orders_count" }, to: "Orders__c", transforms: [] },
        { from: { field: "total_spent" }, to: "Spent__c", transforms: [] },
      ],
    });
    await upsertRecords(db, { workspaceId: t.workspaceId, entity: "contacts", records: [1, 2, 3, 4, 5, 6].map((n) => ({ id: `c_0000${n}`, birth_date: n === 3 ? null : `198${n}-03-0${n}` })) });
    const at = (iso: string) => new Date(iso);
    await upsertRecords(db, {
      workspaceId: t.workspaceId,
      entity: "orders",
      records: [
        { id: "o_first", contact_id: "c_00001", status: "paid", total: "10.00", currency: "EUR", ordered_at: at("2001-01-01T08:30:15.123Z") },
        { id: "o_last", contact_id: "c_00001", status: "paid", total: "10.00", currency: "EUR", ordered_at: at("2099-12-31T23:30:00Z") },
      ],
    });
    const run = await t.run();
    expect(run).toMatchObject({ status: "partial", created: 5, failed: 1 });
    // One call: Salesforce would have refused it whole, for "unknown" or for a timestamp in a date field.
    expect(writes(run.requests)).toEqual(["PATCH /composite/sobjects/Contact/Relay_Id__c 200"]);
    expect(await t.itemOf(run.id, "c_00003")).toMatchObject({ status: "failed", errorKind: "rejected", message: 'Not sent to Salesforce: Birthdate (date) takes a date as YYYY-MM-DD, not "unknown"' });
    expect(t.byKey("c_00003")).toEqual([]);
    const [ada] = t.byKey("c_00001");
    expect(ada).toMatchObject({ Birthdate: "1981-03-01", Last_Order__c: "2099-12-31", First_Order__c: "2001-01-01T08:30:15.123Z" });
    expect(Number.isInteger(ada!.Orders__c) && (ada!.Orders__c as number) >= 2).toBe(true);
    expect(typeof ada!.Spent__c).toBe("number");
    expect(t.held()).toHaveLength(5);
  });

  it("deletes the records that leave the dataset with one collection call, a record already deleted counting as done", async () => {
    const t = await setup();
    await t.run();
    t.sandbox.remove(t.byKey("c_00005")[0]!.Id);
    await db.delete(contacts).where(and(eq(contacts.workspaceId, t.workspaceId), inArray(contacts.id, ["c_00002", "c_00005"])));
    const run = await t.run();
    expect(run).toMatchObject({ status: "succeeded", deleted: 2, failed: 0 });
    expect(writes(run.requests)).toEqual([expect.stringMatching(/^DELETE \/composite\/sobjects 200$/)]);
    expect(t.held().map((r) => r.Relay_Id__c).sort()).toEqual(["c_00001", "c_00003", "c_00004", "c_00006"]);
    expect(t.sandbox.org.bin.size).toBe(2);
  });

  it("takes an external ID whose case changed for the same record, as Salesforce does: it is updated, never deleted", async () => {
    const t = await setup();
    await t.run();
    const before = t.byKey("c_00004")[0]!;
    await db.update(contacts).set({ id: "C_00004", firstName: "Recased" }).where(and(eq(contacts.workspaceId, t.workspaceId), eq(contacts.id, "c_00004")));
    const run = await t.run();
    expect(run).toMatchObject({ status: "succeeded", deleted: 0, created: 0, updated: 1 });
    expect(t.held()).toHaveLength(6);
    expect(t.held().find((r) => r.Id === before.Id)).toMatchObject({ FirstName: "Recased" });
    expect(t.sandbox.org.bin.size).toBe(0);
  });

  it("replaces: reads back the keyed records page by page, deletes its own records that left, recreates what is missing, leaves others' records alone", async () => {
    const t = await setup({ sandbox: { queryPageSize: 2 } });
    await t.run();
    const stray = t.sandbox.insert("Contact", { LastName: "Stray", Relay_Id__c: "stray" });
    const unkeyed = t.sandbox.insert("Contact", { LastName: "Someone else's" });
    t.sandbox.remove(t.byKey("c_00004")[0]!.Id);
    await db.delete(contacts).where(and(eq(contacts.workspaceId, t.workspaceId), eq(contacts.id, "c_00006")));
    const run = await t.run("replace");
    expect(run).toMatchObject({ status: "succeeded", created: 1, updated: 4, deleted: 1 });
    expect(run.requests.filter((r) => r.path.includes("/query")).length).toBe(3);
    expect(t.held().map((r) => r.Relay_Id__c ?? r.Id).sort()).toEqual(["c_00001", "c_00002", "c_00003", "c_00004", "c_00005", "stray", unkeyed].sort());
    expect(t.held().some((r) => r.Id === stray)).toBe(true);
  });
});
