import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { startHttpApiSandbox } from "@/connectors/http-api/sandbox";
import { startMetaSandbox } from "@/connectors/meta-audiences/sandbox";
import { createConnection } from "@/lib/connections/save";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import { consents, contacts } from "@/lib/db/schema";
import { PublicError } from "@/lib/errors";
import { connectTestDb, newWorkspace } from "@/test/db";
import { httpApiSettings } from "@/test/http-api";
import { previewOneRecord } from "./try-out";

const { db } = connectTestDb();
const sha = (v: string) => crypto.createHash("sha256").update(v).digest("hex");
const servers: { close(): Promise<unknown> }[] = [];
afterAll(() => Promise.all(servers.map((s) => s.close())));

describe("previewing one record's payload", () => {
  it("shows an audience's identifiers normalised and hashed, and refuses a contact the consent rule holds back", async () => {
    const meta = await startMetaSandbox();
    servers.push(meta);
    const audience = meta.addAudience({ name: "Readers" });
    const workspaceId = await newWorkspace(db, { seed: { contacts: 10, products: 1, orders: 1, orderItems: 1 } });
    const dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
    await db.update(contacts).set({ email: "  Mary@Example.com " }).where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, "c_00001")));
    const connection = await createConnection(db, {
      workspaceId,
      connector: "meta-audiences",
      name: "Meta",
      settings: { adAccountId: meta.adAccountId, graphVersion: "v25.0", apiBaseUrl: meta.url },
      secrets: { accessToken: meta.token },
    });
    const input = {
      name: "Preview",
      datasetId: dataset.id,
      connectionId: connection.id,
      object: audience.id,
      mapping: [{ from: { field: "email" }, to: "EMAIL" }],
      matchKey: { from: "id", to: "EXTERN_ID" },
      onLeave: "delete",
    };
    const preview = await previewOneRecord(db, { workspaceId, input, key: "c_00001" });
    expect(preview.fields.find((f) => f.name === "EMAIL")).toMatchObject({ value: "  Mary@Example.com ", normalised: "mary@example.com", sent: sha("mary@example.com") });
    expect(JSON.stringify(preview)).not.toContain(sha("  Mary@Example.com "));

    await db.delete(consents).where(and(eq(consents.workspaceId, workspaceId), eq(consents.contactId, "c_00001")));
    await expect(previewOneRecord(db, { workspaceId, input: { ...input, consent: { channel: "email" } }, key: "c_00001" })).rejects.toThrow(
      new PublicError("This contact has not granted email consent: the sync would not send it"),
    );
  });

  it("shows the mapped values as they are sent to a destination that does not transform them", async () => {
    const api = await startHttpApiSandbox();
    servers.push(api);
    const workspaceId = await newWorkspace(db, { seed: { contacts: 3, products: 1, orders: 1, orderItems: 1 } });
    const dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
    const connection = await createConnection(db, { workspaceId, connector: "http-api", name: "API", settings: httpApiSettings(api), secrets: { token: api.token } });
    const input = { name: "Preview", datasetId: dataset.id, connectionId: connection.id, object: "contacts", mapping: [{ from: { field: "email" }, to: "email" }, { from: { value: "relay" }, to: "first_name" }], matchKey: { from: "id", to: "contact_id" } };
    const [row] = await db.select({ email: contacts.email }).from(contacts).where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, "c_00002")));
    expect((await previewOneRecord(db, { workspaceId, input, key: "c_00002" })).fields).toEqual([
      { name: "contact_id", value: "c_00002", normalised: null, sent: "c_00002", note: "sent as mapped" },
      { name: "email", value: row!.email, normalised: null, sent: row!.email, note: "sent as mapped" },
      { name: "first_name", value: "relay", normalised: null, sent: "relay", note: "sent as mapped" },
    ]);
    expect(api.log).toHaveLength(0);
  });

  it("shows a cast's converted value, and says which value a cast cannot convert", async () => {
    const api = await startHttpApiSandbox();
    servers.push(api);
    const workspaceId = await newWorkspace(db, { seed: { contacts: 3, products: 1, orders: 1, orderItems: 1 } });
    const dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
    const connection = await createConnection(db, { workspaceId, connector: "http-api", name: "API", settings: httpApiSettings(api), secrets: { token: api.token } });
    await db.update(contacts).set({ firstName: "7923.09" }).where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, "c_00001")));
    const cast = { type: "to_integer", rounding: "round" };
    const input = { name: "Preview", datasetId: dataset.id, connectionId: connection.id, object: "contacts", mapping: [{ from: { field: "email" }, to: "email" }, { from: { field: "first_name" }, to: "first_name", transforms: [cast] }], matchKey: { from: "id", to: "contact_id" } };
    expect((await previewOneRecord(db, { workspaceId, input, key: "c_00001" })).fields).toContainEqual({ name: "first_name", value: 7923, normalised: null, sent: "7923", note: "sent as mapped" });
    await db.update(contacts).set({ firstName: "n/a" }).where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, "c_00001")));
    await expect(previewOneRecord(db, { workspaceId, input, key: "c_00001" })).rejects.toThrow(new PublicError('Cannot convert "n/a" to integer, for "first_name"'));
  });
});
