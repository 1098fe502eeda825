/**
 * A replace reads every page of what the tool holds, in whichever paging the tool answers with, and fails
 * loudly rather than act on part of it — through the engine, against each connector's sandbox. The sync's
 * own records sit on the last pages (others' records were there first, or are listed first).
 */
import { and, eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { startBrevoSandbox } from "@/connectors/brevo/sandbox";
import { sandboxConnection, startSalesforceSandbox } from "@/connectors/salesforce/sandbox";
import { startSplioSandbox } from "@/connectors/splio/sandbox";
import { startZendeskSandbox, type ZendeskSandboxOptions } from "@/connectors/zendesk/sandbox";
import { createConnection } from "@/lib/connections/save";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import { createSync } from "@/lib/syncs/save";
import { contacts } from "@/lib/db/schema";
import { connectTestDb, newWorkspace } from "@/test/db";
import { syncTestRuntime } from "@/test/sync-runtime";
import type { SyncInput } from "./config";

const { db } = connectTestDb();
const runtime = syncTestRuntime(db);

const keys = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `c_${String(from + i).padStart(5, "0")}`);

/** A workspace of 12 contacts synced to a connection; `leave` takes contacts out of the dataset. */
async function syncTo(p: { connector: string; settings: Record<string, unknown>; secrets: Record<string, unknown>; sync: Pick<SyncInput, "object" | "mapping" | "matchKey"> }) {
  const workspaceId = await newWorkspace(db, { seed: { contacts: 12, products: 2, orders: 10, orderItems: 20 } });
  const dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
  const connection = await createConnection(db, { workspaceId, connector: p.connector, name: p.connector, settings: p.settings, secrets: p.secrets, rateLimit: { windowSeconds: 1, maxRequests: 10_000 } });
  const sync = await createSync(db, { workspaceId, input: { name: `Contacts to ${p.connector}`, datasetId: dataset.id, connectionId: connection.id, onLeave: "delete", deletionLimit: null, ...p.sync } });
  return {
    workspaceId,
    run: (mode: "incremental" | "replace" = "incremental") => runtime.run({ workspaceId, syncId: sync.id, mode }, 60_000),
    leave: (ids: string[]) => db.delete(contacts).where(and(eq(contacts.workspaceId, workspaceId), inArray(contacts.id, ids))),
  };
}

describe("reading back Zendesk's end users", () => {
  async function zendeskSync(options: ZendeskSandboxOptions) {
    const sandbox = runtime.closeAfter(await startZendeskSandbox({ bulkImport: true, ...options }));
    // 310 end users someone else made: the sync's 12 come after them, on the fourth page of 100.
    for (let i = 1; i <= 310; i++) sandbox.addUser({ name: `Other ${i}`, email: `other.${i}@example.net` });
    const t = await syncTo({
      connector: "zendesk",
      settings: { subdomain: "acme", email: sandbox.email, apiBaseUrl: sandbox.url, sendVerifyEmail: false },
      secrets: { apiToken: sandbox.token },
      sync: { object: "users", mapping: [{ from: { template: "{first_name} {last_name}" }, to: "name", transforms: [] }], matchKey: { from: "id", to: "external_id" } },
    });
    expect(await t.run()).toMatchObject({ status: "succeeded", created: 12 });
    await t.leave(keys(9, 12));
    const reads = () => sandbox.log.filter((l) => l.method === "GET" && l.path === "/users").map((l) => Object.fromEntries(new URLSearchParams(l.query)));
    return { sandbox, run: t.run, reads };
  }

  it("follows offset paging (next_page) when the account answers with it: 322 users on 4 pages, the leavers on the last are deleted", async () => {
    const z = await zendeskSync({ paging: "offset" });
    const replaced = await z.run("replace");
    expect(replaced).toMatchObject({ status: "succeeded", updated: 8, deleted: 4, failed: 0 });
    expect(z.reads()).toEqual([
      { role: "end-user", "page[size]": "100" },
      { role: "end-user", page: "2", per_page: "100" },
      { role: "end-user", page: "3", per_page: "100" },
      { role: "end-user", page: "4", per_page: "100" },
    ]);
    expect(z.sandbox.endUsers()).toHaveLength(318);
    expect(z.sandbox.endUsers().filter((u) => u.external_id).map((u) => u.external_id).sort()).toEqual(keys(1, 8));
  });

  it("follows cursor paging (meta.after_cursor) page by page", async () => {
    const z = await zendeskSync({ paging: "cursor" });
    expect(await z.run("replace")).toMatchObject({ status: "succeeded", updated: 8, deleted: 4 });
    expect(z.reads().map((q) => Boolean(q["page[after]"]))).toEqual([false, true, true, true]);
  });

  it("fails the replace, deleting nothing, when a page gives no way to the next while the count says more exist", async () => {
    const z = await zendeskSync({ paging: "unlinked" });
    const replaced = await z.run("replace");
    expect(replaced).toMatchObject({ status: "failed", deleted: 0, error: "Zendesk listed 100 of 322 users and gave no link to the next page: stopped rather than act on part of the list" });
    expect(z.sandbox.endUsers()).toHaveLength(322);
  });
});

describe("reading back pages that hold fewer records than asked", () => {
  it("Brevo (offset and limit, newest first): reads on to the count, and deletes the sync's leavers on the last pages", async () => {
    const sandbox = runtime.closeAfter(await startBrevoSandbox({ timeScale: 0.01, maxPageSize: 8 }));
    const t = await syncTo({
      connector: "brevo",
      settings: { apiBaseUrl: sandbox.url, listIds: [] },
      secrets: { apiKey: sandbox.apiKey },
      sync: { object: "contacts", mapping: [{ from: { field: "email" }, to: "email", transforms: [{ type: "trim" }, { type: "lowercase" }] }], matchKey: { from: "id", to: "ext_id" } },
    });
    expect(await t.run()).toMatchObject({ status: "succeeded", created: 12 });
    for (let i = 1; i <= 20; i++) sandbox.addContact({ email: `other.${i}@example.net` });
    await t.leave(keys(1, 3));
    const before = sandbox.log.length;
    expect(await t.run("replace")).toMatchObject({ status: "succeeded", updated: 9, deleted: 3, failed: 0 });
    expect(sandbox.log.slice(before).filter((l) => l.method === "GET" && l.path === "/contacts").map((l) => new URLSearchParams(l.query).get("offset"))).toEqual(["0", "8", "16", "24"]);
    expect([...sandbox.contacts.values()].map((c) => c.attributes.EXT_ID).filter(Boolean).sort()).toEqual(keys(4, 12));
  });

  it("Splio (page numbers, count_element): reads on to the count, and deletes the sync's leavers on the last pages", async () => {
    const sandbox = runtime.closeAfter(await startSplioSandbox({ timeScale: 0.01, maxPerPage: 5 }));
    for (let i = 1; i <= 20; i++) sandbox.universe.createContact({ email: `other.${i}@example.net` });
    const t = await syncTo({
      connector: "splio",
      settings: { apiBaseUrl: sandbox.url },
      secrets: { apiKey: sandbox.apiKey },
      sync: { object: "contacts", mapping: [{ from: { field: "last_name" }, to: "lastname", transforms: [] }], matchKey: { from: "email", to: "email" } },
    });
    expect(await t.run()).toMatchObject({ status: "succeeded", created: 12 });
    const leaving = await db.query.contacts.findMany({ where: and(eq(contacts.workspaceId, t.workspaceId), inArray(contacts.id, keys(10, 12))), columns: { email: true } });
    await t.leave(keys(10, 12));
    const before = sandbox.log.length;
    expect(await t.run("replace")).toMatchObject({ status: "succeeded", updated: 9, deleted: 3, failed: 0 });
    expect(sandbox.log.slice(before).filter((l) => l.method === "GET" && l.path === "/data/contacts")).toHaveLength(7);
    expect(sandbox.contacts.size).toBe(29);
    for (const { email } of leaving) expect(sandbox.contacts.has(email!)).toBe(false);
  });
});

describe("reading back Salesforce records with SOQL", () => {
  it("fails the replace, deleting nothing, when a page says the query is not done but gives no nextRecordsUrl", async () => {
    const sandbox = runtime.closeAfter(await startSalesforceSandbox({ queryPageSize: 5 }));
    const t = await syncTo({
      connector: "salesforce",
      ...sandboxConnection(sandbox),
      sync: { object: "Contact", mapping: [{ from: { field: "last_name" }, to: "LastName", transforms: [] }], matchKey: { from: "id", to: "Relay_Id__c" } },
    });
    expect(await t.run()).toMatchObject({ status: "succeeded", created: 12 });
    await t.leave(keys(9, 12));
    sandbox.configure({ unlinkedQueries: true });
    expect(await t.run("replace")).toMatchObject({
      status: "failed",
      deleted: 0,
      error: "Salesforce returned 5 of the 12 Contact records the read-back queried, without a link to the rest: stopped rather than act on part of them",
    });
    expect(sandbox.records("Contact")).toHaveLength(12);
    sandbox.configure({ unlinkedQueries: false });
    expect(await t.run("replace")).toMatchObject({ status: "succeeded", updated: 8, deleted: 4 });
  });
});
