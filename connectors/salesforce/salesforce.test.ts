/** Syncs to the Salesforce sandbox through the real engine (plan → deliver → finalize on the local executor). */
import crypto from "node:crypto";
import { and, asc, eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createConnection } from "@/lib/db/queries/connections";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import { createSync } from "@/lib/db/queries/syncs";
import { contacts, syncRecordLogs, syncRecords, syncRunItems } from "@/lib/db/schema";
import { upsertRecords } from "@/lib/entities/upsert";
import type { MappingEntry } from "@/lib/mapping/schema";
import { connectTestDb, newWorkspace } from "@/lib/testing/db";
import { syncTestRuntime } from "@/lib/testing/sync-runtime";
import { salesforce } from ".";
import { type SalesforceSandbox, type SalesforceSandboxOptions, sandboxConnection, startSalesforceSandbox } from "./sandbox";
import { defaultOrg, field } from "./sandbox-schema";

const { db } = connectTestDb();
const runtime = syncTestRuntime(db);
const rsa = () => crypto.generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });
const keys = rsa();

async function startSandbox(options: SalesforceSandboxOptions = {}) {
  const sandbox = await startSalesforceSandbox({ publicKey: keys.publicKey, ...options });
  return runtime.closeAfter(sandbox);
}

const connectionOf = (sandbox: SalesforceSandbox, auth: "client_credentials" | "jwt_bearer" = "client_credentials") =>
  sandboxConnection(sandbox, auth === "jwt_bearer" ? { privateKey: keys.privateKey } : auth);

/** A workspace with contacts, a sandbox org and a sync of the contacts to Contact (upserted on Relay_Id__c) or Lead (by Id, unique Relay_Key__c). */
async function setup(p: { contacts?: number; object?: "Contact" | "Lead"; auth?: "client_credentials" | "jwt_bearer"; sandbox?: SalesforceSandboxOptions; mapping?: MappingEntry[] } = {}) {
  const sandbox = await startSandbox(p.sandbox);
  const workspaceId = await newWorkspace(db, { seed: { contacts: p.contacts ?? 6, products: 2, orders: 4, orderItems: 8 } });
  const dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
  const { settings, secrets } = connectionOf(sandbox, p.auth);
  const connection = await createConnection(db, { workspaceId, connector: "salesforce", name: "Salesforce", settings, secrets });
  const lead = p.object === "Lead";
  const sync = await createSync(db, {
    workspaceId,
    input: {
      name: "Contacts to Salesforce",
      datasetId: dataset.id,
      connectionId: connection.id,
      object: lead ? "Lead" : "Contact",
      mapping: [
        { from: { field: "email" }, to: "Email", transforms: [{ type: "trim" }, { type: "lowercase" }] },
        { from: { field: "first_name" }, to: "FirstName" },
        { from: { field: "last_name" }, to: "LastName" },
        lead ? { from: { value: "Relay demo" }, to: "Company" } : { from: { field: "country" }, to: "MailingCountry" },
        ...(p.mapping ?? []),
      ],
      matchKey: { from: "id", to: lead ? "Relay_Key__c" : "Relay_Id__c" },
      onLeave: "delete",
    },
  });
  const keyField = lead ? "Relay_Key__c" : "Relay_Id__c";
  const run = async (mode: "incremental" | "replace" = "incremental") => {
    const requests = sandbox.log.length;
    const ended = await runtime.run({ workspaceId, syncId: sync.id, mode }, 60_000);
    return { ...ended, requests: sandbox.log.slice(requests) };
  };
  return {
    sandbox,
    workspaceId,
    run,
    held: () => sandbox.records(lead ? "Lead" : "Contact"),
    byKey: (key: string) => sandbox.records(lead ? "Lead" : "Contact").filter((r) => r[keyField] === key),
    logOf: (runId: string, key: string) =>
      db.query.syncRecordLogs.findMany({ where: and(eq(syncRecordLogs.runId, runId), eq(syncRecordLogs.recordKey, key)), orderBy: asc(syncRecordLogs.attempt) }),
    itemOf: (runId: string, key: string) => db.query.syncRunItems.findFirst({ where: and(eq(syncRunItems.runId, runId), eq(syncRunItems.recordKey, key)) }),
    change: (id: string, firstName: string) => upsertRecords(db, { workspaceId, entity: "contacts", records: [{ id, first_name: firstName }] }),
  };
}

const attempts = (logs: { attempt: number; operation: string; status: string; errorKind: string | null; message: string | null }[]) => logs.map((l) => [l.attempt, l.operation, l.status, l.errorKind]);
const writes = (requests: { method: string; path: string; status: number }[]) => requests.filter((r) => r.path.includes("/composite/")).map((r) => `${r.method} ${r.path.replace(/^\/services\/data\/v62\.0/, "")} ${r.status}`);

describe("the Salesforce connection", () => {
  it("discovers the writable objects and their fields from describe, and says what is wrong in Test connection", async () => {
    const sandbox = await startSandbox();
    const connection = connectionOf(sandbox);
    expect((await salesforce.listObjects(connection)).map((o) => o.name)).toEqual(["Account", "Contact", "Lead", "Loyalty_Card__c"]);
    const fields = await salesforce.listFields(connection, "Contact");
    const byName = new Map(fields.map((f) => [f.name, f]));
    expect(byName.get("Id")).toMatchObject({ key: "primary", required: false });
    expect(byName.get("Relay_Id__c")).toMatchObject({ key: "unique", type: "string", description: expect.stringContaining("external ID") });
    expect(byName.get("LastName")).toMatchObject({ required: true, nullable: false, key: undefined });
    expect(byName.get("HasOptedOutOfEmail")).toMatchObject({ type: "boolean", required: false, nullable: false });
    expect(byName.get("OwnerId")).toMatchObject({ required: false, description: expect.stringContaining("Id of a User") });
    expect(byName.get("Birthdate")).toMatchObject({ type: "date", required: false });
    expect(byName.has("CreatedDate")).toBe(false);
    expect((await salesforce.listFields(connection, "Lead")).find((f) => f.name === "Relay_Key__c")).toMatchObject({ key: "unique" });
    // Asked again, Salesforce says nothing changed (304) and the kept describe answers.
    expect(await salesforce.listFields(connection, "Contact")).toEqual(fields);
    const describes = sandbox.dataRequests().filter((r) => r.path.endsWith("/sobjects/Contact/describe"));
    expect(describes.map((r) => r.status)).toEqual([200, 304]);
    await expect(salesforce.listFields(connection, "Nothing__c")).rejects.toThrow('Salesforce has no object "Nothing__c"');

    expect(await salesforce.test(connection)).toEqual({ ok: true, message: expect.stringMatching(/^Logged in: 7 objects visible; \d+ of 15,000 API calls used in the last 24 hours$/) });
    expect(await salesforce.test({ ...connection, secrets: { clientSecret: "wrong" } })).toEqual({
      ok: false,
      message: "Salesforce refused the login (invalid_client: invalid client credentials): the consumer key and secret do not match: check the client secret",
    });
    sandbox.configure({ apiDisabled: true });
    expect(await salesforce.test(connection)).toMatchObject({ ok: false, message: expect.stringContaining("API_DISABLED_FOR_ORG: The REST API is not enabled for this Organization.): the org or the integration user has no API access") });
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
    expect(first).toMatchObject({ status: "succeeded", created: 5, updated: 1 });
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

describe("Salesforce's limits", () => {
  it("slows down near the daily quota (Sforce-Limit-Info) and still delivers every record", async () => {
    const t = await setup({ contacts: 450 });
    t.sandbox.configure({ apiUsage: { used: 14_990, max: 15_000 } });
    const run = await t.run();
    expect(run).toMatchObject({ status: "succeeded", created: 450 });
    const calls = run.requests.filter((r) => r.area === "data");
    expect(calls.map((r) => r.status)).toEqual([304, 200, 200, 200]);
    // At 99.9% of the quota each answer is followed by a ~29.8 s pause, a hundredth of it in tests.
    calls.slice(1).forEach((c, i) => expect(c.at - calls[i]!.answeredAt).toBeGreaterThanOrEqual(290));
    expect(t.sandbox.usage()).toEqual({ used: 14_994, max: 15_000 });
    expect(new Set(t.held().map((r) => r.Relay_Id__c)).size).toBe(450);
  });

  it("stops the run at REQUEST_LIMIT_EXCEEDED with a clear message, without retrying, and the next run sends the rest", async () => {
    const t = await setup({ contacts: 450 });
    t.sandbox.configure({ apiUsage: { used: 14_998, max: 15_000 } });
    const stopped = await t.run();
    expect(stopped).toMatchObject({ status: "failed", created: 200, error: expect.stringMatching(/^Salesforce's daily API request limit for this org is used up \(TotalRequests Limit exceeded\.\): the run stopped/) });
    expect(stopped.requests.filter((r) => r.status === 403)).toHaveLength(1);
    expect(t.held()).toHaveLength(200);

    t.sandbox.configure({ apiUsage: { used: 0, max: 15_000 } });
    expect(await t.run()).toMatchObject({ status: "succeeded", created: 250 });
    expect(new Set(t.held().map((r) => r.Relay_Id__c)).size).toBe(450);
    expect(t.held()).toHaveLength(450);
  });

  it("keeps what a batch wrote when the quota runs out between its calls, and the next run finishes the rest", async () => {
    const t = await setup({ object: "Lead" });
    const existing = t.sandbox.insert("Lead", { LastName: "Earlier", Company: "Someone's import", Relay_Key__c: "c_00004" });
    // The describe and the create go through; the update that settles the duplicate finds the quota spent.
    t.sandbox.configure({ apiUsage: { used: 14_998, max: 15_000 } });
    const stopped = await t.run();
    expect(stopped).toMatchObject({ status: "failed", created: 5, updated: 0, failed: 1, error: expect.stringMatching(/^Salesforce's daily API request limit/) });
    expect(writes(stopped.requests)).toEqual(["POST /composite/sobjects 200", "PATCH /composite/sobjects 403"]);
    expect(await t.itemOf(stopped.id, "c_00004")).toMatchObject({ status: "failed", errorKind: "technical" });

    t.sandbox.configure({ apiUsage: { used: 0, max: 15_000 } });
    expect(await t.run()).toMatchObject({ status: "succeeded", planned: 1, updated: 1 });
    expect(t.held()).toHaveLength(6);
    expect(t.byKey("c_00004")).toMatchObject([{ Id: existing, Company: "Relay demo" }]);
  });
});

describe("Salesforce's authentication", () => {
  it("logs in at My Domain (the login URL) and sends every API call to the instance_url it names; after a 401 it logs in again at the login URL", async () => {
    const t = await setup();
    expect(t.sandbox.instanceUrl).not.toBe(t.sandbox.url);
    const first = await t.run();
    expect(first).toMatchObject({ status: "succeeded", created: 6 });
    // Since the connection was made (fields read for the sync, then the run): one login, every other call at the instance.
    const where = (requests: { host: string; area: string; status: number }[]) => requests.map((r) => `${r.host} ${r.area} ${r.status}`);
    const [login, ...calls] = where(t.sandbox.log);
    expect(login).toBe("login token 200");
    expect(calls.length).toBeGreaterThan(2);
    expect(new Set(calls.map((c) => c.replace(/ \d+$/, "")))).toEqual(new Set(["instance data"]));
    expect(where(first.requests)).toEqual(["instance data 304", "instance data 200"]);
    expect(writes(first.requests)).toEqual(["PATCH /composite/sobjects/Contact/Relay_Id__c 200"]);

    t.sandbox.expireSessions();
    await t.change("c_00001", "Changed");
    const renewed = await t.run();
    expect(renewed).toMatchObject({ status: "succeeded", updated: 1 });
    expect(where(renewed.requests)).toEqual(["instance data 401", "login token 200", "instance data 304", "instance data 200"]);
    expect(writes(renewed.requests)).toEqual(["PATCH /composite/sobjects/Contact/Relay_Id__c 200"]);
  });

  it("logs in with a JWT signed by the app's private key, and fails at once when the certificate no longer matches", async () => {
    const t = await setup({ auth: "jwt_bearer" });
    expect(await t.run()).toMatchObject({ status: "succeeded", created: 6 });
    t.sandbox.configure({ publicKey: rsa().publicKey });
    t.sandbox.expireSessions();
    await t.change("c_00001", "Changed");
    const run = await t.run();
    expect(run).toMatchObject({
      status: "failed",
      error: "Salesforce refused the login (invalid_grant: invalid assertion): Salesforce could not verify the signed JWT: the private key does not match the certificate on the connected app",
    });
    expect(run.requests.map((r) => `${r.area} ${r.status}`)).toEqual(["data 401", "token 400"]);
  });

  it("fails at once, without retries, when the client secret was rotated", async () => {
    const t = await setup();
    t.sandbox.configure({ clientSecret: "rotated" });
    t.sandbox.expireSessions();
    const run = await t.run();
    expect(run).toMatchObject({ status: "failed", created: 0, error: expect.stringContaining("Salesforce refused the login (invalid_client: invalid client credentials)") });
    expect(run.requests.map((r) => `${r.area} ${r.status}`)).toEqual(["data 401", "token 400"]);
  });

  it("logs in again once when the session expired, and fails clearly when Salesforce refuses the new one too", async () => {
    const t = await setup();
    t.sandbox.expireSessions();
    const renewed = await t.run();
    expect(renewed).toMatchObject({ status: "succeeded", created: 6 });
    expect(renewed.requests.slice(0, 3).map((r) => `${r.area} ${r.status}`)).toEqual(["data 401", "token 200", "data 304"]);

    t.sandbox.configure({ refuseSessions: true });
    await t.change("c_00001", "Changed");
    const refused = await t.run();
    expect(refused).toMatchObject({ status: "failed", error: expect.stringMatching(/^Salesforce refused a new session too \(INVALID_SESSION_ID: Session expired or invalid\)/) });
    expect(refused.requests.map((r) => `${r.area} ${r.status}`)).toEqual(["data 401", "token 200", "data 401"]);
  });
});
