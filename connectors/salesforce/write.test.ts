/** writeRecords against the Salesforce sandbox: requests refused as a whole, and DUPLICATE_VALUE on fields other than the match key. */
import { afterEach, describe, expect, it } from "vitest";
import { createHttpClient } from "@/lib/http/client";
import type { DeliveryContext, WriteRecord } from "../types";
import type { SalesforceSecrets, SalesforceSettings } from "./config";
import { type SalesforceSandbox, sandboxConnection, startSalesforceSandbox } from "./sandbox";
import { defaultOrg, field, type SandboxObject } from "./sandbox-schema";
import { beginWriting, writeRecords } from "./write";
import { scaledClock } from "@/lib/http/context";

let sandbox: SalesforceSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

/** The default org, with a change to some objects' fields. */
function org(change: (object: (name: string) => SandboxObject) => void) {
  const objects = defaultOrg();
  change((name) => objects.find((o) => o.name === name)!);
  return objects;
}

async function start(objects: SandboxObject[]) {
  sandbox = await startSalesforceSandbox({ objects });
  return sandbox;
}

function deliveryContext(s: SalesforceSandbox, p: { object: string; key: string; fields: string[] }): DeliveryContext<SalesforceSettings, SalesforceSecrets> {
  return {
    connection: sandboxConnection(s) as DeliveryContext<SalesforceSettings, SalesforceSecrets>["connection"],
    http: createHttpClient({ delaysMs: [1], timeScale: 1, outbound: { allowPrivate: true } }),
    clock: scaledClock(1),
    ...p,
    mode: "incremental",
    runId: "run",
    syncId: "sync",
    startedAt: new Date(),
    records: async function* () {},
  };
}

const record = (key: string, payload: Record<string, unknown>, op: WriteRecord["op"] = "upsert"): WriteRecord => ({ key, op, payload });
const writesSince = (s: SalesforceSandbox, from: number) => s.log.slice(from).filter((l) => l.path.includes("/composite/")).map((l) => `${l.method} ${l.status}`);

describe("a request Salesforce refuses as a whole", () => {
  it("is sent again in halves until only the record it could not read fails, with Salesforce's message", async () => {
    const s = await start(org((o) => o("Contact").fields.push(field("Score__c", "string"))));
    const ctx = deliveryContext(s, { object: "Contact", key: "Relay_Id__c", fields: ["Relay_Id__c", "LastName", "Score__c"] });
    const state = await beginWriting(ctx);
    // An admin makes Score__c a number field after the run read describe: the run still sends it as text.
    s.org.object("Contact")!.fields.find((f) => f.name === "Score__c")!.type = "double";
    const from = s.log.length;
    const keys = ["k1", "k2", "k3", "k4", "k5"];
    const { results } = await writeRecords(ctx, state, keys.map((k, i) => record(k, { Relay_Id__c: k, LastName: `L${k}`, Score__c: k === "k4" ? "lots" : String(i) })));

    // 5 → 3 + 2 → 1 + 1: five calls instead of one refused for everyone.
    expect(writesSince(s, from)).toEqual(["PATCH 400", "PATCH 200", "PATCH 400", "PATCH 400", "PATCH 200"]);
    expect(results.map((r) => [r.key, r.status])).toEqual([
      ["k1", "ok"],
      ["k2", "ok"],
      ["k3", "ok"],
      ["k4", "failed"],
      ["k5", "ok"],
    ]);
    expect(results[3]).toMatchObject({
      kind: "rejected",
      message: "Salesforce refused the record: JSON_PARSER_ERROR: Cannot deserialize instance of double from VALUE_STRING value lots or request may be missing a required field",
      response: { status: 400, body: expect.stringContaining('"errorCode":"JSON_PARSER_ERROR"') },
    });
    expect(
      s
        .records("Contact")
        .map((r) => [r.Relay_Id__c, r.Score__c])
        .sort(),
    ).toEqual([
      ["k1", 0],
      ["k2", 1],
      ["k3", 2],
      ["k5", 4],
    ]);
  });

  it("is not split when the refusal concerns the request itself (a field deleted during the run): one call, every record fails", async () => {
    const s = await start(org((o) => o("Contact").fields.push(field("Score__c", "double"))));
    const ctx = deliveryContext(s, { object: "Contact", key: "Relay_Id__c", fields: ["Relay_Id__c", "LastName", "Score__c"] });
    const state = await beginWriting(ctx);
    const contact = s.org.object("Contact")!;
    contact.fields.splice(contact.fields.findIndex((f) => f.name === "Score__c"), 1);
    const from = s.log.length;
    const { results } = await writeRecords(ctx, state, ["a", "b", "c"].map((k) => record(k, { Relay_Id__c: k, LastName: k, Score__c: 1 })));
    expect(writesSince(s, from)).toEqual(["PATCH 400"]);
    expect(results).toEqual(
      ["a", "b", "c"].map((key) => expect.objectContaining({ key, status: "failed", kind: "rejected", message: "Salesforce refused the upsert request: INVALID_FIELD: No such column 'Score__c' on sobject of type Contact" })),
    );
  });
});

describe("DUPLICATE_VALUE", () => {
  it("on the match key of a create updates the record named; on another unique field it fails as duplicate, naming the holder, which is left unchanged", async () => {
    const s = await start(org((o) => (o("Lead").fields.find((f) => f.name === "Email")!.unique = true)));
    const holder = s.insert("Lead", { LastName: "Holder", Company: "Someone else's", Email: "ada@example.com", Relay_Key__c: "not-ours" });
    const ours = s.insert("Lead", { LastName: "Earlier import", Company: "Relay demo", Relay_Key__c: "k2" });
    const ctx = deliveryContext(s, { object: "Lead", key: "Relay_Key__c", fields: ["Relay_Key__c", "LastName", "Company", "Email"] });
    const state = await beginWriting(ctx);
    const from = s.log.length;
    const { results } = await writeRecords(ctx, state, [
      record("k1", { Relay_Key__c: "k1", LastName: "Ada", Company: "Relay demo", Email: "ada@example.com" }, "create"),
      record("k2", { Relay_Key__c: "k2", LastName: "Bob", Company: "Relay demo", Email: "bob@example.com" }, "create"),
    ]);

    expect(writesSince(s, from)).toEqual(["POST 200", "PATCH 200"]);
    expect(results[0]).toEqual({
      key: "k1",
      status: "failed",
      kind: "duplicate",
      existingId: holder,
      message: `DUPLICATE_VALUE: duplicate value found: Email duplicates value on record with id: ${holder.slice(0, 15)}: ${holder} holds this value of Email, not of the match key Relay_Key__c; it was left unchanged`,
      response: expect.objectContaining({ status: 200 }),
    });
    expect(s.org.live.get(holder)).toMatchObject({ LastName: "Holder", Company: "Someone else's", Relay_Key__c: "not-ours" });
    expect(results[1]).toMatchObject({ key: "k2", status: "ok", op: "update", destinationId: ours, earlier: [{ op: "create", kind: "duplicate" }] });
    expect(s.org.live.get(ours)).toMatchObject({ LastName: "Bob", Email: "bob@example.com" });
  });

  it("on an upsert fails as duplicate instead of updating the record that holds the value", async () => {
    const s = await start(org((o) => (o("Contact").fields.find((f) => f.name === "Email")!.unique = true)));
    const holder = s.insert("Contact", { LastName: "Holder", Email: "bob@example.com", Relay_Id__c: "someone-else" });
    const ctx = deliveryContext(s, { object: "Contact", key: "Relay_Id__c", fields: ["Relay_Id__c", "LastName", "Email"] });
    const state = await beginWriting(ctx);
    const from = s.log.length;
    const { results } = await writeRecords(ctx, state, [record("c1", { Relay_Id__c: "c1", LastName: "Bob", Email: "bob@example.com" })]);
    expect(writesSince(s, from)).toEqual(["PATCH 200"]);
    expect(results).toEqual([expect.objectContaining({ key: "c1", status: "failed", kind: "duplicate", existingId: holder, message: expect.stringMatching(/^DUPLICATE_VALUE: duplicate value found: Email duplicates/) })]);
    expect(s.records("Contact")).toEqual([expect.objectContaining({ Id: holder, LastName: "Holder", Relay_Id__c: "someone-else" })]);
  });
});
