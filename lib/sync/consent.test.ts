import { and, eq, inArray } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { type HttpApiSandbox, startHttpApiSandbox } from "@/connectors/http-api/sandbox";
import { createConnection } from "@/lib/connections/save";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import { createSync } from "@/lib/syncs/save";
import { consents, contacts, syncRunItems } from "@/lib/db/schema";
import { upsertRecords } from "@/lib/entities/upsert";
import { connectTestDb, newWorkspace } from "@/test/db";
import { httpApiSettings } from "@/test/http-api";
import { syncTestRuntime } from "@/test/sync-runtime";
import { testOneRecord } from "./try-out";

const { db } = connectTestDb();
const runtime = syncTestRuntime(db);
let sandbox: HttpApiSandbox;

beforeAll(async () => {
  sandbox = runtime.closeAfter(await startHttpApiSandbox());
});

describe("a sync that requires consent", () => {
  it("sends only contacts who granted it, removes those who withdraw it, and says how many it held back", async () => {
    const workspaceId = await newWorkspace(db, { seed: { contacts: 40, products: 2, orders: 10, orderItems: 20 } });
    const dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
    const connection = await createConnection(db, { workspaceId, connector: "http-api", name: "Audience", settings: httpApiSettings(sandbox), secrets: { token: sandbox.token } });
    const sync = await createSync(db, {
      workspaceId,
      input: {
        name: "Consenting contacts",
        datasetId: dataset.id,
        connectionId: connection.id,
        object: "contacts",
        mapping: [{ from: { field: "email" }, to: "email", transforms: [] }],
        matchKey: { from: "id", to: "contact_id" },
        // On leave: nothing. A contact who withdraws consent is removed all the same.
        onLeave: "nothing",
        consent: { channel: "email" },
        deletionLimit: null,
      },
    });
    const run = () => runtime.run({ workspaceId, syncId: sync.id });
    const emailConsents = await db.query.consents.findMany({ where: and(eq(consents.workspaceId, workspaceId), eq(consents.channel, "email")) });
    const granted = emailConsents.filter((c) => c.status === "granted").map((c) => c.contactId!);
    const held = 40 - granted.length;
    expect(granted.length).toBeGreaterThan(5);
    expect(held).toBeGreaterThan(0);
    const sent = () => [...sandbox.contacts.values()].map((c) => String(c.contact_id)).sort();

    const first = await run();
    expect(first).toMatchObject({ status: "succeeded", created: granted.length, heldBack: held });
    expect(first.notice).toBe(`${held} ${held === 1 ? "contact was" : "contacts were"} held back: no email consent granted.`);
    expect(sent()).toEqual([...granted].sort());

    // One contact withdraws consent; one who had denied it grants it.
    const leaving = granted[0]!;
    const joining = emailConsents.find((c) => c.status !== "granted")!.contactId!;
    await upsertRecords(db, {
      workspaceId,
      entity: "consents",
      records: [
        { id: `${leaving}:email:2`, contact_id: leaving, channel: "email", status: "withdrawn" },
        { id: `${joining}:email:2`, contact_id: joining, channel: "email", status: "granted" },
      ],
    });
    const second = await run();
    expect(second).toMatchObject({ status: "succeeded", created: 1, deleted: 1, heldBack: held });
    expect(sent()).toEqual([...granted.filter((k) => k !== leaving), joining].sort());
    const removal = await db.query.syncRunItems.findFirst({ where: and(eq(syncRunItems.runId, second.id), eq(syncRunItems.recordKey, leaving)) });
    expect(removal).toMatchObject({ operation: "delete", status: "done", message: "Consent no longer granted: removed", row: null });

    // Nothing changed since: nothing is sent, nobody is removed again.
    expect(await run()).toMatchObject({ status: "succeeded", planned: 0, heldBack: held });

    // Two sent contacts leave the dataset; on-leave is "nothing": the one who still consents stays, the one who withdrew is removed.
    const [staying, withdrawing] = granted.filter((k) => k !== leaving);
    await upsertRecords(db, { workspaceId, entity: "consents", records: [{ id: `${withdrawing}:email:2`, contact_id: withdrawing, channel: "email", status: "withdrawn" }] });
    await db.delete(contacts).where(and(eq(contacts.workspaceId, workspaceId), inArray(contacts.id, [staying!, withdrawing!])));
    expect(await run()).toMatchObject({ status: "succeeded", deleted: 1 });
    expect(sent()).toContain(staying);
    expect(sent()).not.toContain(withdrawing);
  });

  it("remembers a record sent by \"Test with one record\", so withdrawing consent removes it on the next run", async () => {
    const api = runtime.closeAfter(await startHttpApiSandbox());
    const workspaceId = await newWorkspace(db, { seed: { contacts: 20, products: 2, orders: 10, orderItems: 20 } });
    const dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
    const connection = await createConnection(db, { workspaceId, connector: "http-api", name: "Audience", settings: httpApiSettings(api), secrets: { token: api.token } });
    const input = {
      name: "Consenting contacts",
      datasetId: dataset.id,
      connectionId: connection.id,
      object: "contacts",
      mapping: [{ from: { field: "email" }, to: "email", transforms: [] }],
      matchKey: { from: "id", to: "contact_id" },
      consent: { channel: "email" as const },
      deletionLimit: null,
    };
    const sync = await createSync(db, { workspaceId, input });
    const [consenting] = await db.query.consents.findMany({ where: and(eq(consents.workspaceId, workspaceId), eq(consents.channel, "email"), eq(consents.status, "granted")) });
    const key = consenting!.contactId!;
    // A sync of another workspace cannot be named to record into, even with a sync that fits there.
    const other = await newWorkspace(db, { seed: { contacts: 20, products: 2, orders: 10, orderItems: 20 } });
    const otherConnection = await createConnection(db, { workspaceId: other, connector: "http-api", name: "Audience", settings: httpApiSettings(api), secrets: { token: api.token } });
    const otherInput = { ...input, datasetId: (await getDatasetByName(db, { workspaceId: other, name: "Contacts" }))!.id, connectionId: otherConnection.id };
    await expect(testOneRecord(db, { workspaceId: other, syncId: sync.id, input: otherInput, key })).rejects.toThrow(/Sync/);
    expect(api.contacts.size).toBe(0);
    expect((await testOneRecord(db, { workspaceId, syncId: sync.id, input, key })).result).toMatchObject({ status: "ok", op: "create" });
    expect([...api.contacts.values()].map((c) => c.contact_id)).toEqual([key]);

    await upsertRecords(db, { workspaceId, entity: "consents", records: [{ id: `${key}:email:2`, contact_id: key, channel: "email", status: "withdrawn" }] });
    expect(await runtime.run({ workspaceId, syncId: sync.id })).toMatchObject({ status: "succeeded", deleted: 1 });
    expect([...api.contacts.values()].map((c) => c.contact_id)).not.toContain(key);
  });
});
