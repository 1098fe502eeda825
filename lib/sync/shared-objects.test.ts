/**
 * A sync whose runs remove or overwrite what other syncs wrote (an audience replace, a sole-admin table
 * replace, a file written anew) has its object to itself: saving (REST, shared with the builder's action)
 * and starting a run refuse a second sync there, and say why; a run queued anyway fails before touching it.
 */
import fs from "node:fs";
import { and, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import * as syncRoutes from "@/app/api/v1/syncs/route";
import * as syncRoute from "@/app/api/v1/syncs/[id]/route";
import * as runRoutes from "@/app/api/v1/syncs/[id]/runs/route";
import { startHttpApiSandbox } from "@/connectors/http-api/sandbox";
import { startMetaSandbox } from "@/connectors/meta-audiences/sandbox";
import { syncRunRequested } from "@/inngest/events";
import { inngest } from "@/inngest/client";
import { createConnection } from "@/lib/connections/save";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import { createSync, updateSync } from "@/lib/syncs/save";
import { contacts, syncs } from "@/lib/db/schema";
import { apiAs } from "@/test/api";
import { connectTestDb, newWorkspace } from "@/test/db";
import { httpApiSettings } from "@/test/http-api";
import { type Destination, postgresDestination } from "@/test/destinations";
import { startFtpServer } from "@/test/ftp-server";
import { syncTestRuntime } from "@/test/sync-runtime";
import type { FilterGroup } from "@/lib/segment/schema";
import { queueRun } from "./runs";

const { db } = connectTestDb();
const runtime = syncTestRuntime(db);

const inCountry = (country: string): FilterGroup => ({ type: "group", combinator: "and", children: [{ type: "condition", column: "country", operator: "equals", value: country }] });
const audienceMapping = [
  { from: { field: "email" }, to: "EMAIL" },
  { from: { field: "first_name" }, to: "FN" },
];

/** A workspace with demo contacts and a sandbox ad account with one audience, and a REST client. */
async function metaWorkspace() {
  const sandbox = runtime.closeAfter(await startMetaSandbox());
  const audience = sandbox.addAudience({ name: "Buyers" });
  const workspaceId = await newWorkspace(db, { seed: { contacts: 40, products: 2, orders: 5, orderItems: 10 } });
  const datasetId = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!.id;
  const settings = { adAccountId: sandbox.adAccountId, graphVersion: "v25.0", apiBaseUrl: sandbox.url, newAudiences: [] };
  const connection = await createConnection(db, { workspaceId, connector: "meta-audiences", name: "Meta", settings, secrets: { accessToken: sandbox.token } });
  const input = (name: string, country: string, mode: "incremental" | "replace") => ({
    name,
    datasetId,
    connectionId: connection.id,
    object: audience.id,
    filter: inCountry(country),
    mapping: audienceMapping,
    matchKey: { from: "id", to: "EXTERN_ID" },
    mode,
    onLeave: "delete" as const,
    deletionLimit: null,
  });
  const api = await apiAs(db, workspaceId);
  const members = () => sandbox.audience(audience.id)!.members.map((m) => m.EXTERN_ID!).sort();
  return { sandbox, audience, workspaceId, input, api, members };
}

describe("a sync that replaces its audience has it to itself", () => {
  it("the API refuses a replace sync on an audience another sync writes, and a second sync on an audience a replace sync owns, saying why", async () => {
    const t = await metaWorkspace();
    const readers = await createSync(db, { workspaceId: t.workspaceId, input: t.input("NL readers", "NL", "incremental") });
    const replacing = await t.api.call(syncRoutes.POST, { path: "/syncs", body: t.input("FR buyers", "FR", "replace") });
    expect(replacing).toMatchObject({ status: 422 });
    expect(replacing.body.error!.fields).toEqual({
      object: [
        'The sync "NL readers" also writes to this audience, and a replace swaps the whole audience (/usersreplace), removing the people other syncs add: give this sync its own audience, or run it incrementally',
      ],
    });

    const sharing = await t.api.call(syncRoutes.POST, { path: "/syncs", body: t.input("FR buyers", "FR", "incremental") });
    expect(sharing.status).toBe(201);
    const buyers = (sharing.body.data as { id: string }).id;
    const toReplace = await t.api.call(syncRoute.PATCH, { path: `/syncs/${readers.id}`, method: "PATCH", params: { id: readers.id }, body: { mode: "replace" } });
    expect(toReplace).toMatchObject({ status: 422, body: { error: { fields: { object: [expect.stringMatching(/^The sync "FR buyers" also writes to this audience, and a replace swaps/)] } } } });

    // Both syncs add their people; a replace run of one is refused before it starts, and the other's people stay.
    for (const id of [readers.id, buyers]) expect(await runtime.run({ workspaceId: t.workspaceId, syncId: id })).toMatchObject({ status: "succeeded" });
    const both = t.members();
    const refused = await t.api.call(runRoutes.POST, { path: `/syncs/${buyers}/runs`, params: { id: buyers }, body: { mode: "replace" } });
    expect(refused).toMatchObject({ status: 409, body: { error: { message: expect.stringMatching(/^The sync "NL readers" also writes to this audience, and a replace swaps/) } } });
    expect(t.members()).toEqual(both);

    // A replace sync alone on its audience: saved, and another sync is then refused there.
    const other = t.sandbox.addAudience({ name: "Spring" });
    const owner = await t.api.call(syncRoutes.POST, { path: "/syncs", body: { ...t.input("Spring replace", "NL", "replace"), object: other.id } });
    expect(owner.status).toBe(201);
    const second = await t.api.call(syncRoutes.POST, { path: "/syncs", body: { ...t.input("Spring extra", "FR", "incremental"), object: other.id } });
    expect(second.body.error!.fields).toEqual({
      object: ['The sync "Spring replace" has this audience to itself: a replace swaps the whole audience (/usersreplace), removing the people other syncs add. Pick another audience'],
    });
  });

  it("a replace queued anyway (syncs saved before the rule) fails before it starts, leaving the other sync's people in the audience", async () => {
    const t = await metaWorkspace();
    const buyers = await createSync(db, { workspaceId: t.workspaceId, input: t.input("FR buyers", "FR", "incremental") });
    const legacy = await createSync(db, { workspaceId: t.workspaceId, input: { ...t.input("NL readers", "NL", "incremental"), object: t.sandbox.addAudience({ name: "Elsewhere" }).id } });
    await db.update(syncs).set({ mode: "replace", object: t.audience.id }).where(eq(syncs.id, legacy.id));
    await runtime.run({ workspaceId: t.workspaceId, syncId: buyers.id });
    const theirs = t.members();
    expect(theirs.length).toBeGreaterThan(0);
    // As the scheduler queues a replace-mode sync's runs.
    const { run } = (await queueRun(db, { workspaceId: t.workspaceId, syncId: legacy.id, trigger: "schedule", mode: "replace" }))!;
    await inngest.send(syncRunRequested.create({ runId: run.id, syncId: legacy.id, workspaceId: t.workspaceId }, { id: `sync-run:${run.id}` }));
    expect(await runtime.runEnded(run.id)).toMatchObject({ status: "failed", error: expect.stringMatching(/^The sync "FR buyers" also writes to this audience, and a replace swaps/) });
    expect(t.sandbox.log.filter((l) => l.path.endsWith("/usersreplace"))).toEqual([]);
    expect(t.members()).toEqual(theirs);
  });
});

describe("other destinations two syncs can share", () => {
  let dest: Destination;
  afterAll(() => dest?.close());

  it("a table: a sole-admin replace owns it; a shared-table replace only the columns it empties", async () => {
    dest = await postgresDestination();
    await dest.query("CREATE TABLE people (id text PRIMARY KEY, email text, first_name text, country text)");
    const workspaceId = await newWorkspace(db, { seed: { contacts: 10, products: 2, orders: 5, orderItems: 10 } });
    const datasetId = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!.id;
    const connection = await createConnection(db, { workspaceId, connector: "postgres", name: "Warehouse", settings: dest.settings, secrets: dest.secrets });
    const api = await apiAs(db, workspaceId);
    const input = (name: string, to: string[], mode: "incremental" | "replace", replaceStrategy?: "sole_admin" | "shared_table") => ({
      name,
      datasetId,
      connectionId: connection.id,
      object: "people",
      mapping: to.map((field) => ({ from: { field }, to: field })),
      matchKey: { from: "id", to: "id" },
      mode,
      ...(replaceStrategy ? { replaceStrategy } : {}),
    });
    await createSync(db, { workspaceId, input: input("Emails", ["email"], "incremental") });
    const soleAdmin = await api.call(syncRoutes.POST, { path: "/syncs", body: input("Everything", ["first_name"], "replace", "sole_admin") });
    expect(soleAdmin.body.error!.fields).toEqual({
      object: ['The sync "Emails" also writes to this table, and a sole-admin replace deletes every row that is not in its dataset, other syncs\' rows too: give this sync its own table, or use the shared-table strategy'],
    });
    expect((await api.call(syncRoutes.POST, { path: "/syncs", body: input("Names", ["first_name"], "replace", "shared_table") })).status).toBe(201);
    const overlapping = await api.call(syncRoutes.POST, { path: "/syncs", body: input("Emails again", ["email", "country"], "replace", "shared_table") });
    expect(overlapping.body.error!.fields).toEqual({
      object: ['The sync "Emails" also writes to this table, and a shared-table replace empties email, country in every row that is not in its dataset: give this sync its own table, or map other columns'],
    });
  });

  it("a file: one sync per file name, unless the name has {sync}; then each sync removes only its own earlier files", async () => {
    const server = runtime.closeAfter(await startFtpServer({ user: "relay", password: "pw" }));
    const workspaceId = await newWorkspace(db, { seed: { contacts: 10, products: 2, orders: 5, orderItems: 10 } });
    const datasetId = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!.id;
    const api = await apiAs(db, workspaceId);
    const connect = (fileName: string) =>
      createConnection(db, { workspaceId, connector: "ftp", name: fileName, settings: { host: "127.0.0.1", port: server.port, user: "relay", tls: "none", folder: "/", fileName, previousFiles: "remove" }, secrets: { password: "pw" } });
    const input = (name: string, connectionId: string, object: string) => ({ name, datasetId, connectionId, object, mapping: [{ from: { field: "email" }, to: "email" }], matchKey: { from: "id", to: "id" }, mode: "replace" });

    const fixed = await connect("contacts.csv");
    await createSync(db, { workspaceId, input: input("Feed", fixed.id, "contacts.csv") });
    const second = await api.call(syncRoutes.POST, { path: "/syncs", body: input("Other feed", fixed.id, "contacts.csv") });
    expect(second.body.error!.fields).toEqual({
      object: ['The sync "Feed" also writes to this file, and each run writes the file anew (or removes the earlier files its name matches), over what another sync wrote: give this sync its own file, or put {sync} in the file name'],
    });

    const perSync = await connect("feed_{sync}_{run}.csv");
    const a = await createSync(db, { workspaceId, input: input("A", perSync.id, "feed_{sync}_{run}.csv") });
    const b = (await api.call(syncRoutes.POST, { path: "/syncs", body: input("B", perSync.id, "feed_{sync}_{run}.csv") })).body.data as { id: string };
    expect(b.id).toBeDefined();
    await runtime.run({ workspaceId, syncId: b.id, mode: "replace" });
    for (let i = 0; i < 2; i++) await runtime.run({ workspaceId, syncId: a.id, mode: "replace" });
    const files = fs.readdirSync(server.root).filter((f) => f.startsWith("feed_"));
    expect(files.map((f) => f.slice(5, 13)).sort()).toEqual([a.id.slice(0, 8), b.id.slice(0, 8)].sort());
  });
});

describe("syncs on one object that only ever remove what they wrote", () => {
  it("share it, and a record both wrote stays when it leaves one of them: an API replace and an on-leave delete remove only what no other sync there holds", async () => {
    const sandbox = runtime.closeAfter(await startHttpApiSandbox());
    const workspaceId = await newWorkspace(db, { seed: { contacts: 40, products: 2, orders: 5, orderItems: 10 } });
    const datasetId = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!.id;
    const connection = await createConnection(db, { workspaceId, connector: "http-api", name: "CRM", settings: httpApiSettings(sandbox), secrets: { token: sandbox.token } });
    const input = (name: string, countries: string[]) => ({
      name,
      datasetId,
      connectionId: connection.id,
      object: "contacts",
      filter: { type: "group" as const, combinator: "and" as const, children: [{ type: "condition" as const, column: "country", operator: "is_one_of" as const, value: countries }] },
      mapping: [{ from: { field: "email" }, to: "email", transforms: [{ type: "trim" as const }, { type: "lowercase" as const }] }],
      matchKey: { from: "id", to: "contact_id" },
      onLeave: "delete" as const,
      deletionLimit: null,
    });
    const people = (country: string) => db.query.contacts.findMany({ where: and(eq(contacts.workspaceId, workspaceId), eq(contacts.country, country)) });
    const held = () => [...sandbox.contacts.values()].map((c) => c.contact_id as string).sort();
    const a = await createSync(db, { workspaceId, input: input("NL and FR", ["NL", "FR"]) });
    const b = await createSync(db, { workspaceId, input: input("NL", ["NL"]) });
    await runtime.run({ workspaceId, syncId: a.id });
    // The second sync finds every NL contact there (409, the existing id) and updates it: both hold them. New to
    // this sync, they count as created in its run.
    expect(await runtime.run({ workspaceId, syncId: b.id })).toMatchObject({ status: "succeeded", created: (await people("NL")).length, updated: 0 });
    const [mover] = await people("FR");
    await db.update(contacts).set({ country: "DE", updatedAt: new Date() }).where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, mover!.id)));
    await updateSync(db, { workspaceId, syncId: a.id, input: { ...input("NL and FR", ["FR"]) } });
    const replaced = await runtime.run({ workspaceId, syncId: a.id, mode: "replace" });
    // The NL contacts left the first sync but the second holds them: they stay; the mover, only the first sync's, goes.
    expect(replaced).toMatchObject({ status: "succeeded", deleted: 1 });
    const expected = [...(await people("NL")), ...(await people("FR"))].map((c) => c.id).sort();
    expect(held()).toEqual(expected);
    expect(await runtime.run({ workspaceId, syncId: b.id })).toMatchObject({ status: "succeeded", planned: 0 });

    await updateSync(db, { workspaceId, syncId: a.id, input: input("NL and FR", ["NL", "FR"]) });
    await runtime.run({ workspaceId, syncId: a.id });
    await updateSync(db, { workspaceId, syncId: a.id, input: input("NL and FR", ["FR"]) });
    expect(await runtime.run({ workspaceId, syncId: a.id })).toMatchObject({ status: "succeeded", deleted: 0 });
    expect(held()).toEqual(expected);
  });

  it("share it: two incremental syncs on one audience are both saved", async () => {
    const t = await metaWorkspace();
    await createSync(db, { workspaceId: t.workspaceId, input: t.input("NL readers", "NL", "incremental") });
    expect((await t.api.call(syncRoutes.POST, { path: "/syncs", body: t.input("FR buyers", "FR", "incremental") })).status).toBe(201);
    expect(await db.query.syncs.findMany({ where: and(eq(syncs.workspaceId, t.workspaceId), eq(syncs.object, t.audience.id)) })).toHaveLength(2);
  });
});
