import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { parse } from "csv-parse/sync";
import { eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { z } from "zod";
import { getConnector } from "@/connectors/registry";
import { connectorContext } from "@/lib/http/context";
import { createConnection } from "@/lib/connections/save";
import { loadConnection } from "@/lib/connections/load";
import { getDatasetByName, previewDatasetRows } from "@/lib/db/queries/datasets";
import { createSync, updateSync } from "@/lib/syncs/save";
import { syncRuns } from "@/lib/db/schema";
import { upsertRecords } from "@/lib/entities/upsert";
import { buildPayload } from "@/lib/mapping/payload";
import { mappingSchema } from "@/lib/mapping/schema";
import { compileFilter } from "@/lib/segment/compile";
import type { FilterGroup } from "@/lib/segment/schema";
import { connectTestDb, newWorkspace, smallScale } from "@/test/db";
import { type FileServer, fileServerAvailable, startFileServer } from "@/test/file-server";
import { syncTestRuntime } from "@/test/sync-runtime";

const { db } = connectTestDb();
const runtime = syncTestRuntime(db);
const withSftp = fileServerAvailable("sftp");

const ACCOUNT = { user: "relay", password: "s3cret pass" };
const segment: FilterGroup = { type: "group", combinator: "and", children: [{ type: "condition", column: "country", operator: "equals", value: "NL" }] };
const mapping: z.input<typeof mappingSchema> = [
  { from: { field: "email" }, to: "email" },
  { from: { field: "first_name" }, to: "first name" },
  { from: { field: "last_name" }, to: "last_name" },
  { from: { field: "city" }, to: "city" },
];
const matchKey = { from: "id", to: "contact_id" };
const header = ["contact_id", "email", "first name", "last_name", "city"];
/** Rows that need quoting, and names beyond ASCII. */
const tricky = [
  { id: "zz_comma", first_name: "Anne, Marie", last_name: 'O"Neil', city: "Den Haag", country: "NL", email: "anne@example.com" },
  { id: "zz_lines", first_name: "Zoë", last_name: "Ørsted\nTwo lines", city: " Utrecht ", country: "NL", email: "zoe@exämple.com" },
  { id: "zz_unicode", first_name: "Łukasz 🚀", last_name: "Müller-Lüdenscheidt", city: "Zürich", country: "NL", email: "lukasz@example.com" },
];

describe.each([...(withSftp ? ["sftp" as const] : []), "ftp" as const])("CSV files over %s", (kind) => {
  let server: FileServer;
  let workspaceId: string;
  let datasetId: string;
  const settings = (extra: Record<string, unknown>) => server.settings(extra);
  const local = (name: string) => server.local(name);
  const files = () => server.files();
  const run = (syncId: string, mode: "incremental" | "replace") => runtime.run({ workspaceId, syncId, mode }, 90_000);

  const expected = async () => {
    const dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
    const rows = await previewDatasetRows(db, { workspaceId, definition: dataset.definition, limit: 100_000, offset: 0, where: compileFilter(segment, dataset.columns) });
    return rows
      .map((r) => buildPayload(r, mappingSchema.parse(mapping), matchKey))
      .map((p) => header.map((h) => (p[h] === null || p[h] === undefined ? "" : String(p[h]))))
      .sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
  };

  beforeAll(async () => {
    server = await startFileServer(kind, ACCOUNT);
    workspaceId = await newWorkspace(db, { seed: smallScale });
    datasetId = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!.id;
    await upsertRecords(db, { workspaceId, entity: "contacts", records: tricky });
  });
  afterAll(() => server?.close());

  let replaceSync: string;
  it("a replace writes the whole segment as one CSV, quoted by RFC 4180, and reports rows, bytes and checksum", async () => {
    const connection = await createConnection(db, { workspaceId, connector: kind, name: "Feed", settings: settings({ fileName: "contacts.csv" }), secrets: { password: ACCOUNT.password } });
    if (kind === "sftp") expect(connection.settings.hostKeyFingerprint).toBe(server.fingerprint);
    replaceSync = (await createSync(db, { workspaceId, input: { name: "Feed", datasetId, filter: segment, connectionId: connection.id, object: "contacts.csv", mapping, matchKey, mode: "replace", deletionLimit: null } })).id;
    const finished = await run(replaceSync, "replace");
    expect(finished.status).toBe("succeeded");
    expect(files()).toEqual(["contacts.csv"]);
    const bytes = fs.readFileSync(local("contacts.csv"));
    const rows = parse(bytes) as string[][];
    expect(rows[0]).toEqual(header);
    expect(rows.slice(1)).toEqual(await expected());
    expect(bytes.toString("utf8")).toContain('"Anne, Marie","O""Neil"');
    expect(bytes.toString("utf8")).toContain('"Ørsted\nTwo lines"," Utrecht "');
    expect(finished.files).toEqual([{ name: path.posix.join(server.folder, "contacts.csv"), rows: rows.length - 1, bytes: bytes.length, sha256: (await import("node:crypto")).createHash("sha256").update(bytes).digest("hex") }]);
  });

  it("a second replace leaves exactly one current file, with the new content", async () => {
    await upsertRecords(db, { workspaceId, entity: "contacts", records: [{ id: "zz_comma", city: "Leiden" }] });
    expect((await run(replaceSync, "replace")).status).toBe("succeeded");
    expect(files()).toEqual(["contacts.csv"]);
    expect((parse(fs.readFileSync(local("contacts.csv"))) as string[][]).slice(1)).toEqual(await expected());
  });

  it("a run cancelled before its upload writes no file and ends cancelled, having sent nothing", async () => {
    const before = fs.readFileSync(local("contacts.csv"));
    await upsertRecords(db, { workspaceId, entity: "contacts", records: [{ id: "zz_comma", city: "Gouda" }] });
    const { requestSyncRun, requestRunCancel } = await import("@/inngest/requests");
    // The run's plan waits on this lock, so the cancel lands while the run is running and before its upload.
    const locker = new pg.Client({ connectionString: inject("databaseUrl") });
    await locker.connect();
    await locker.query("BEGIN; LOCK TABLE sync_run_items IN EXCLUSIVE MODE");
    const { id } = await requestSyncRun(db, { workspaceId, syncId: replaceSync, trigger: "manual", mode: "replace" });
    await expect.poll(async () => (await db.query.syncRuns.findFirst({ where: eq(syncRuns.id, id) }))?.status).toBe("running");
    expect((await requestRunCancel(db, { workspaceId, runId: id }))?.status).toBe("cancelling");
    await locker.query("COMMIT");
    await locker.end();
    expect(await runtime.runEnded(id)).toMatchObject({ status: "cancelled", created: 0, updated: 0, files: null });
    expect(files()).toEqual(["contacts.csv"]);
    expect(fs.readFileSync(local("contacts.csv")).equals(before)).toBe(true);
  });

  it("an upload cut off halfway leaves the last good file under the final name; the next run cleans up", async () => {
    const before = fs.readFileSync(local("contacts.csv"));
    await upsertRecords(db, { workspaceId, entity: "contacts", records: [{ id: "zz_comma", city: "Delft" }] });
    server.cutAfter(Math.floor(before.length / 2));
    const failed = await run(replaceSync, "replace");
    expect(failed.status).toBe("failed");
    expect(fs.readFileSync(local("contacts.csv")).equals(before)).toBe(true);
    server.cutAfter(undefined);
    expect((await run(replaceSync, "replace")).status).toBe("succeeded");
    expect(files()).toEqual(["contacts.csv"]);
    expect((parse(fs.readFileSync(local("contacts.csv"))) as string[][]).slice(1)).toEqual(await expected());
  });

  it("incremental runs write only what changed (gzip, semicolons, BOM), and a file of the keys that left", async () => {
    const connection = await createConnection(db, {
      workspaceId,
      connector: kind,
      name: "Changes",
      settings: settings({ fileName: "changes_{datetime}_{run}.csv", previousFiles: "remove", gzip: true, delimiter: "semicolon", bom: true }),
      secrets: { password: ACCOUNT.password },
    });
    const syncId = (await createSync(db, { workspaceId, input: { name: "Changes", datasetId, filter: segment, connectionId: connection.id, object: "changes_{datetime}_{run}.csv", mapping, matchKey, mode: "incremental", onLeave: "delete", deletionLimit: null } })).id;
    const read = (name: string) => {
      const text = zlib.gunzipSync(fs.readFileSync(local(name))).toString("utf8");
      expect(text.startsWith("\uFEFF")).toBe(true);
      return parse(text.slice(1), { delimiter: ";" }) as string[][];
    };
    const first = await run(syncId, "incremental");
    expect(first.files).toHaveLength(1);
    const firstName = path.basename(first.files![0]!.name);
    expect(firstName).toMatch(/^changes_\d{8}T\d{6}Z_[0-9a-f]{8}\.csv\.gz$/);
    expect(read(firstName).slice(1)).toEqual(await expected());

    await upsertRecords(db, { workspaceId, entity: "contacts", records: [{ id: "zz_unicode", city: "Bern" }, { id: "zz_lines", email: "zoe.new@example.com" }, { id: "zz_comma", country: "BE" }] });
    const second = await run(syncId, "incremental");
    expect(second).toMatchObject({ status: "succeeded", updated: 2, deleted: 1 });
    const [changes, deletions] = second.files!.map((f) => path.basename(f.name));
    expect(read(changes!).map((r) => r[0])).toEqual(["contact_id", "zz_lines", "zz_unicode"]);
    expect(read(deletions!)).toEqual([["contact_id"], ["zz_comma"]]);
    // The first run's file is an earlier version of the template: removed once the new ones were complete.
    expect(files().filter((f) => f.startsWith("changes_")).sort()).toEqual([changes, deletions].sort());

    const quiet = await run(syncId, "incremental");
    expect(quiet).toMatchObject({ status: "succeeded", planned: 0, files: [], error: null, notice: "Nothing changed: no file was written" });

    // An upload that fails loses nothing: the change goes in the next run's file.
    await upsertRecords(db, { workspaceId, entity: "contacts", records: [{ id: "zz_unicode", city: "Basel" }] });
    server.cutAfter(0);
    expect(await run(syncId, "incremental")).toMatchObject({ status: "failed", files: null });
    server.cutAfter(undefined);
    const retried = await run(syncId, "incremental");
    expect(retried).toMatchObject({ status: "succeeded", updated: 1 });
    expect(read(path.basename(retried.files![0]!.name)).slice(1).map((r) => r[0])).toEqual(["zz_unicode"]);
  });

  it("wrong credentials, or a server presenting another host key, are refused with a clear error", async () => {
    const connector = getConnector(kind)!;
    const wrong = await connector.test(connectorContext({ settings: settings({ fileName: "x.csv", ...(kind === "sftp" ? { hostKeyFingerprint: server.fingerprint } : {}) }), secrets: { password: "wrong" } }));
    expect(wrong).toEqual({ ok: false, message: expect.stringMatching(kind === "sftp" ? /refused the credentials of relay/ : /refused the login of relay/) });
    const good = await connector.test(connectorContext({ settings: settings({ fileName: "x.csv", ...(kind === "sftp" ? { hostKeyFingerprint: server.fingerprint } : {}) }), secrets: { password: ACCOUNT.password } }));
    expect(good).toMatchObject({ ok: true, message: expect.stringContaining("holds") });
    if (kind === "sftp") {
      const other = `SHA256:${"A".repeat(43)}`;
      const spoofed = await connector.test(connectorContext({ settings: settings({ fileName: "x.csv", hostKeyFingerprint: other }), secrets: { password: ACCOUNT.password } }));
      expect(spoofed).toEqual({ ok: false, message: `The server's host key is ${server.fingerprint}, not the pinned ${other}: if the server's key changed on purpose, clear the fingerprint in the connection and save it again` });
      const { config } = await loadConnection(db, { workspaceId, connectionId: (await db.query.connections.findFirst({ where: (c, { eq, and }) => and(eq(c.workspaceId, workspaceId), eq(c.name, "Feed")) }))!.id });
      expect(config.settings.hostKeyFingerprint).toBe(server.fingerprint);
    }
    await updateSync(db, { workspaceId, syncId: replaceSync, input: { name: "Feed", datasetId, filter: segment, connectionId: (await db.query.syncs.findFirst({ where: (s, { eq }) => eq(s.id, replaceSync) }))!.connectionId, object: "contacts.csv", mapping, matchKey, mode: "replace" } });
  });
});
