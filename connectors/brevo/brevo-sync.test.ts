/** Syncing contacts to the Brevo sandbox through the real engine: the connection, lists, duplicates, leaving and Brevo's limits. */
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createConnection } from "@/lib/connections/save";
import { contacts, syncRecordLogs } from "@/lib/db/schema";
import { upsertRecords } from "@/lib/entities/upsert";
import { ValidationError } from "@/lib/errors";
import { connectorContext } from "@/lib/http/context";
import { newWorkspace } from "@/test/db";
import { DestinationConfigError } from "../types";
import { brevo } from "./index";
import { brevoTestbed } from "./sync-testbed";

const { db, sandboxWith, setup } = brevoTestbed();

const keys = (n: number) => Array.from({ length: n }, (_, i) => `c_${String(i + 1).padStart(5, "0")}`);

describe("the Brevo connection", () => {
  it("discovers the contact attributes with their types, and says plainly when the key is refused", async () => {
    const sandbox = await sandboxWith();
    const connection = { settings: { apiBaseUrl: sandbox.url, listIds: [] }, secrets: { apiKey: sandbox.apiKey } };
    expect(await brevo.test(connectorContext(connection))).toEqual({ ok: true, message: "Connected to the Brevo account Relay Sandbox <owner@example.com>" });
    const fields = await brevo.listFields(connectorContext(connection), "contacts");
    expect(fields.filter((f) => f.key).map((f) => f.name)).toEqual(["email", "ext_id", "SMS"]);
    expect(fields.find((f) => f.name === "BIRTHDAY")).toMatchObject({ type: "date", nullable: true });
    expect(fields.map((f) => f.name)).not.toContain("DAYS_SINCE_SIGNUP");
    expect((await brevo.listFields(connectorContext(connection), "products")).find((f) => f.key === "primary")?.name).toBe("id");

    const revoked = { ...connection, secrets: { apiKey: "xkeysib-revoked" } };
    expect(await brevo.test(connectorContext(revoked))).toEqual({ ok: false, message: "Brevo refused the API key (401 unauthorized: Key not found): check the key under SMTP & API → API keys" });
    await expect(brevo.listFields(connectorContext(revoked), "contacts")).rejects.toBeInstanceOf(DestinationConfigError);
  });

  it("refuses to save remove_from_lists without lists", async () => {
    const workspaceId = await newWorkspace(db);
    const save = (settings: Record<string, unknown>) =>
      createConnection(db, { workspaceId, connector: "brevo", name: "Brevo", settings: { apiBaseUrl: "https://api.brevo.com/v3", ...settings }, secrets: { apiKey: "xkeysib-x" } });
    const refused = save({ onLeave: "remove_from_lists" });
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toThrow("onLeave: remove_from_lists needs at least one list in listIds: name the lists, or choose delete_contact");
    expect((await save({ listIds: [2], onLeave: "remove_from_lists" })).settings).toMatchObject({ listIds: [2], onLeave: "remove_from_lists" });
  });
});

describe("syncing contacts to Brevo", () => {
  it("creates every contact in the connection's lists, then updates only the changed ones in one batch call", async () => {
    const t = await setup();
    const first = await t.run();
    expect(first).toMatchObject({ status: "succeeded", created: 12, failed: 0 });
    expect(t.extIds()).toEqual(keys(12));
    expect([...t.sandbox.contacts.values()].every((c) => c.listIds.join() === "2,7")).toBe(true);
    const c1 = t.sandbox.findContact({ extId: "c_00001" })!;
    expect(c1.email).toBe(await t.emailOf("c_00001"));

    expect(await t.run()).toMatchObject({ status: "succeeded", planned: 0 });
    await upsertRecords(db, { workspaceId: t.workspaceId, entity: "contacts", records: ["c_00002", "c_00005", "c_00009"].map((id) => ({ id, first_name: `Changed ${id}` })) });
    const before = t.sandbox.log.length;
    expect(await t.run()).toMatchObject({ status: "succeeded", planned: 3, updated: 3, created: 0 });
    expect(t.since(before)).toEqual(["GET /contacts/attributes 200", "POST /contacts/batch 204"]);
    const sent = t.sandbox.log.at(-1)!.body as { contacts: { id: number; attributes: Record<string, unknown>; listIds: number[] }[] };
    expect(sent.contacts.map((c) => c.attributes.FIRSTNAME)).toEqual(["Changed c_00002", "Changed c_00005", "Changed c_00009"]);
    expect(sent.contacts.map((c) => c.id)).toEqual(["c_00002", "c_00005", "c_00009"].map((k) => t.sandbox.findContact({ extId: k })!.id));
    expect(t.sandbox.findContact({ extId: "c_00005" })!.attributes.FIRSTNAME).toBe("Changed c_00005");
    expect(t.sandbox.contacts.size).toBe(12);
  });

  it("updates the contact Brevo calls a duplicate (found by email), and creates again a contact deleted in Brevo", async () => {
    const t = await setup({ contacts: 6 });
    // Someone added c_00004's address in Brevo by hand: creating it is refused, duplicate_parameter, without an id.
    const existing = t.sandbox.addContact({ email: await t.emailOf("c_00004"), attributes: { FIRSTNAME: "Old" } });
    const first = await t.run();
    expect(first).toMatchObject({ status: "succeeded", created: 6, updated: 0 });
    expect(await t.logOf(first.id, "c_00004")).toEqual([
      [1, "create", "failed", "duplicate", 400],
      [2, "update", "ok", null, null],
    ]);
    const log = (await db.query.syncRecordLogs.findFirst({ where: and(eq(syncRecordLogs.runId, first.id), eq(syncRecordLogs.recordKey, "c_00004")) }))!;
    expect(log.responseBody).toContain('"duplicate_identifiers":["email"]');
    expect(t.sandbox.contacts.size).toBe(6);
    expect(t.sandbox.contacts.get(existing.id)).toMatchObject({ attributes: { EXT_ID: "c_00004", FIRSTNAME: expect.not.stringMatching(/^Old$/) }, listIds: [2, 7] });
    expect(t.sandbox.log.some((l) => l.method === "GET" && l.path === `/contacts/${encodeURIComponent(existing.email!)}` && l.query === "?identifierType=email_id")).toBe(true);

    // c_00002 was deleted in Brevo; c_00003 still exists: the batch update is refused whole, then each is sent alone.
    const gone = t.sandbox.findContact({ extId: "c_00002" })!;
    t.sandbox.contacts.delete(gone.id);
    await upsertRecords(db, { workspaceId: t.workspaceId, entity: "contacts", records: [{ id: "c_00002", first_name: "Back" }, { id: "c_00003", first_name: "Still here" }] });
    const second = await t.run();
    expect(second).toMatchObject({ status: "succeeded", created: 1, updated: 1 });
    expect(await t.logOf(second.id, "c_00002")).toEqual([
      [1, "update", "failed", "not_found", 404],
      [2, "create", "ok", null, null],
    ]);
    expect(t.sandbox.findContact({ extId: "c_00002" })).toMatchObject({ attributes: { FIRSTNAME: "Back" }, listIds: [2, 7] });
    expect(t.sandbox.findContact({ extId: "c_00002" })!.id).not.toBe(gone.id);
    expect(t.sandbox.findContact({ extId: "c_00003" })!.attributes.FIRSTNAME).toBe("Still here");
    expect(t.sandbox.contacts.size).toBe(6);
    expect(await t.run()).toMatchObject({ status: "succeeded", planned: 0 });
  });

  it("takes a contact that leaves the segment off lists 2 and 7 and keeps it in Brevo, even one it took over; back in the segment, back on the lists", async () => {
    const t = await setup({ contacts: 6, sandbox: { lists: { 2: "Newsletter", 7: "Customers", 9: "Press" } } });
    // In Brevo before the sync, on a list of its own: the sync takes it over (duplicate → update).
    const press = t.sandbox.addContact({ email: await t.emailOf("c_00004"), attributes: { FIRSTNAME: "Old" }, listIds: [9] });
    expect(await t.run()).toMatchObject({ status: "succeeded", created: 6, updated: 0 });
    expect(t.sandbox.contacts.get(press.id)!.listIds).toEqual([2, 7, 9]);
    const leaver = t.sandbox.findContact({ extId: "c_00003" })!;
    // Someone already took c_00003 off list 7 in Brevo: that list answers it in `failure`, which is done.
    leaver.listIds = [2];

    await upsertRecords(db, { workspaceId: t.workspaceId, entity: "contacts", records: [{ id: "c_00003", country: null }, { id: "c_00004", country: null }] });
    const before = t.sandbox.log.length;
    const left = await t.run();
    expect(left).toMatchObject({ status: "succeeded", planned: 2, deleted: 2, failed: 0, notice: "2 contacts that left were taken off lists 2, 7 and kept in Brevo." });
    expect(t.since(before).sort()).toEqual(["GET /contacts/attributes 200", "POST /contacts/lists/2/contacts/remove 201", "POST /contacts/lists/7/contacts/remove 201"]);
    const calls = t.sandbox.log.slice(before).filter((l) => l.path.endsWith("/remove"));
    expect(calls.map((l) => l.body)).toEqual([{ ids: [leaver.id, press.id] }, { ids: [leaver.id, press.id] }]);
    // Both still exist with their attributes; off the synced lists, the hand-managed one untouched.
    expect(t.sandbox.contacts.size).toBe(6);
    expect(t.sandbox.contacts.get(leaver.id)).toMatchObject({ listIds: [], attributes: { EXT_ID: "c_00003", FIRSTNAME: expect.any(String) } });
    expect(t.sandbox.contacts.get(press.id)).toMatchObject({ listIds: [9], attributes: { EXT_ID: "c_00004" } });
    expect(t.sandbox.log.some((l) => l.method === "DELETE")).toBe(false);
    expect(await t.run()).toMatchObject({ status: "succeeded", planned: 0 });

    // Back in the segment: the create meets the kept contact (duplicate ext_id), which is updated and put back on the
    // lists; new to the sync again, it counts as created.
    await upsertRecords(db, { workspaceId: t.workspaceId, entity: "contacts", records: [{ id: "c_00003", country: "FR" }] });
    const back = await t.run();
    expect(back).toMatchObject({ status: "succeeded", created: 1, updated: 0 });
    expect(await t.logOf(back.id, "c_00003")).toEqual([
      [1, "create", "failed", "duplicate", 400],
      [2, "update", "ok", null, null],
    ]);
    expect(t.sandbox.contacts.get(leaver.id)!.listIds).toEqual([2, 7]);
    expect(t.sandbox.contacts.size).toBe(6);
  });

  it("deletes the Brevo contact that leaves when the connection says delete_contact", async () => {
    const t = await setup({ contacts: 5, settings: { onLeave: "delete_contact" } });
    await t.run();
    const leaving = t.sandbox.findContact({ extId: "c_00003" })!;
    await upsertRecords(db, { workspaceId: t.workspaceId, entity: "contacts", records: [{ id: "c_00003", country: null }] });
    const before = t.sandbox.log.length;
    expect(await t.run()).toMatchObject({ status: "succeeded", deleted: 1, planned: 1, notice: null });
    expect(t.since(before)).toEqual(["GET /contacts/attributes 200", `DELETE /contacts/${leaving.id} 204`]);
    expect(t.extIds()).toEqual(["c_00001", "c_00002", "c_00004", "c_00005"]);
  });

  it.each([
    { onLeave: "remove_from_lists", what: "takes its own contacts that left off the lists, keeping them" },
    { onLeave: "delete_contact", what: "deletes its own contacts that left" },
  ] as const)("replaces ($onLeave): reads every contact back, creates what Brevo lacks, updates the rest and $what", async ({ onLeave }) => {
    const t = await setup({ contacts: 5, settings: { onLeave } });
    await t.run();
    // Others' contacts, with or without an ext_id, are never the sync's to remove.
    const stray = t.sandbox.addContact({ ext_id: "stray", email: "stray@example.com", listIds: [2, 7] });
    const keyless = t.sandbox.addContact({ email: "newsletter-only@example.com", listIds: [2] });
    t.sandbox.contacts.delete(t.sandbox.findContact({ extId: "c_00002" })!.id);
    const leaving = t.sandbox.findContact({ extId: "c_00005" })!;
    await db.delete(contacts).where(and(eq(contacts.workspaceId, t.workspaceId), eq(contacts.id, "c_00005")));
    const before = t.sandbox.log.length;
    expect(await t.run("replace")).toMatchObject({ status: "succeeded", created: 1, updated: 3, deleted: 1, failed: 0 });
    const removal = t.since(before).filter((l) => l.includes("/remove") || l.startsWith("DELETE"));
    if (onLeave === "remove_from_lists") {
      expect(removal.sort()).toEqual(["POST /contacts/lists/2/contacts/remove 201", "POST /contacts/lists/7/contacts/remove 201"]);
      expect(t.extIds()).toEqual([...keys(5), "stray"]);
      expect(t.sandbox.contacts.get(leaving.id)!.listIds).toEqual([]);
    } else {
      expect(removal).toEqual([`DELETE /contacts/${leaving.id} 204`]);
      expect(t.extIds()).toEqual([...keys(4), "stray"]);
    }
    expect(t.sandbox.contacts.get(stray.id)!.listIds).toEqual([2, 7]);
    expect(t.sandbox.contacts.get(keyless.id)!.listIds).toEqual([2]);
    expect(t.sandbox.findContact({ extId: "c_00001" })!.listIds).toEqual([2, 7]);
    expect(t.sandbox.log.some((l) => l.method === "GET" && l.path === "/contacts" && l.query === "?limit=1000&offset=0")).toBe(true);
    // A second replace has nothing left to remove.
    expect(await t.run("replace")).toMatchObject({ status: "succeeded", deleted: 0, failed: 0 });
  });

  it("slows down to Brevo's rate limit and loses no contact", async () => {
    // One contact request per Brevo second (10 ms here): the connector must wait for each reset.
    const t = await setup({ contacts: 30, sandbox: { limits: { contacts: { perSecond: 1 } } } });
    const run = await t.run();
    expect(run).toMatchObject({ status: "succeeded", created: 30, failed: 0 });
    expect(t.extIds()).toEqual(keys(30));
    const creates = t.sandbox.log.filter((l) => l.method === "POST" && l.path === "/contacts");
    expect(creates.filter((l) => l.status === 201)).toHaveLength(30);
    expect(creates.filter((l) => l.status === 201).every((l) => l.headers["x-sib-ratelimit-remaining"] === "0")).toBe(true);
    expect(creates.at(-1)!.at - creates[0]!.at).toBeGreaterThanOrEqual(270);
  });

  it("stops at once when Brevo's hourly budget is spent, and the next run sends the rest without duplicates", async () => {
    const t = await setup({ contacts: 10, sandbox: { limits: { contacts: { perHour: 6 } } } });
    const failed = await t.run();
    expect(failed).toMatchObject({ status: "failed", error: expect.stringMatching(/^Brevo's request limit is spent \(6 requests per window\) and resets in \d+ min: the run stops here, and the records not sent go with the next run/) });
    // The requests in flight when the budget ran out (4 at a time) are the only ones refused: no retry storm.
    expect(t.sandbox.log.filter((l) => l.status === 429).length).toBeLessThanOrEqual(4);
    const created = t.sandbox.contacts.size;
    expect(created).toBeGreaterThan(0);
    expect(created).toBeLessThan(10);

    t.sandbox.configure({ limits: {} });
    const next = await t.run();
    // What the failed run created has no state here yet: Brevo calls it a duplicate (ext_id), it is updated, and counted as created (new to the sync).
    expect(next).toMatchObject({ status: "succeeded", failed: 0, created: 10, updated: 0 });
    expect(t.extIds()).toEqual(keys(10));
  });

  it("fails at once, without retries, when Brevo refuses the API key", async () => {
    const t = await setup({ contacts: 3 });
    t.sandbox.configure({ apiKey: "xkeysib-rotated" });
    const before = t.sandbox.log.length;
    const run = await t.run();
    expect(run).toMatchObject({ status: "failed", error: "Brevo refused the API key (401 unauthorized: Key not found): check the key under SMTP & API → API keys" });
    expect(t.since(before)).toEqual(["GET /contacts/attributes 401"]);
    expect(t.sandbox.contacts.size).toBe(0);
  });
});
