import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { and, asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createConnection } from "@/lib/connections/save";
import { contacts, importRejects } from "@/lib/db/schema";
import { connectTestDb, newWorkspace } from "@/test/db";
import { startFtpServer } from "@/test/ftp-server";
import { killAll } from "@/test/processes";
import { startSftpServer } from "@/test/sftp-server";
import { createImport, finishRun, killedMidRead, runImport, startedRun, tester } from "@/test/sources";
import { addSource } from "./manage";
import { previewImport } from "./preview";
import { exportImports, importImports, importsDocument } from "./transfer";
import type { ImportInput } from "./schema";

const { db } = connectTestDb();
afterAll(() => killAll());

/** `base`: where the server's folder is as the client sees it (the SFTP server starts in its folder, FTP is rooted there). */
type Server = { root: string; base: string; close: () => Promise<void>; connector: "sftp" | "ftp"; settings: Record<string, unknown> };

const account = { user: "relay", password: "s3cret" };
const servers: Record<Server["connector"], () => Promise<Server>> = {
  sftp: async () => {
    const s = await startSftpServer(account);
    return { ...s, base: s.root, connector: "sftp", settings: { host: s.host, port: s.port, user: account.user, folder: "/", fileName: "unused.csv", hostKeyFingerprint: s.fingerprint } };
  },
  ftp: async () => {
    const s = await startFtpServer(account);
    return { ...s, base: "", connector: "ftp", settings: { host: s.host, port: s.port, user: account.user, tls: "none", folder: "/", fileName: "unused.csv" } };
  },
};

const people = (from: number, to: number, email = (i: number) => `p${i}@example.com`) => Array.from({ length: to - from + 1 }, (_, k) => `${from + k},${email(from + k)},Person ${from + k}`);
const writeCsv = (server: Server, name: string, lines: string[]) => {
  fs.mkdirSync(path.join(server.root, "in"), { recursive: true });
  fs.writeFileSync(path.join(server.root, "in", name), ["id,email,first_name", ...lines].join("\n") + "\n");
};

const fileImport = (server: Server, sourceId: string, read: Partial<Extract<ImportInput["read"], { type: "files" }>> = {}): ImportInput => ({
  name: `Files ${Date.now()}`,
  sourceId,
  read: { type: "files", pattern: "contacts-*.csv", ...read, folder: `${server.base}${read.folder ?? "/in"}` },
  entity: "contacts",
  mapping: [
    { column: "email", field: "email" },
    { column: "first_name", field: "first_name" },
  ],
  keyColumn: "id",
  changes: { type: "full" },
  onMissing: "nothing",
  schedule: { type: "manual" },
});

const contactsOf = async (workspaceId: string) =>
  (await db.select().from(contacts).where(eq(contacts.workspaceId, workspaceId)).orderBy(asc(sql`${contacts.id}::int`))).map((c) => ({ id: c.id, email: c.email, firstName: c.firstName }));
const expected = (lines: string[]) => lines.map((l) => l.split(",")).map(([id, email, firstName]) => ({ id, email, firstName }));
const rejectsOf = async (runId: string) => (await db.select().from(importRejects).where(eq(importRejects.runId, runId)).orderBy(asc(importRejects.id))).map((r) => ({ kind: r.kind, message: r.message }));

describe.each<[Server["connector"]]>([["sftp"], ["ftp"]])("CSV files from %s", (connector) => {
  let server: Server;
  let workspaceId: string;
  let sourceId: string;
  beforeAll(async () => {
    server = await servers[connector]();
    workspaceId = await newWorkspace(db);
    const connection = await createConnection(db, { workspaceId, connector, name: `Drop ${connector} ${Date.now()}`, settings: server.settings, secrets: { password: account.password } });
    sourceId = (await addSource(db, { workspaceId, actor: tester, input: { connectionId: connection.id } })).id;
  });
  afterAll(() => server?.close());

  it("imports each file once, in name order, and a changed file again", async () => {
    writeCsv(server, "contacts-1.csv", people(1, 30));
    writeCsv(server, "contacts-2.csv", people(31, 45));
    writeCsv(server, "other.csv", people(100, 110));
    const imp = await createImport(db, workspaceId, fileImport(server, sourceId));
    const first = await runImport(db, workspaceId, imp.id, { pageSize: 7, budgetMs: 60_000 });
    expect(first).toMatchObject({ status: "succeeded", read: 45, created: 45, rejected: 0 });
    expect(await contactsOf(workspaceId)).toEqual(expected(people(1, 45)));

    const again = await runImport(db, workspaceId, imp.id);
    expect(again).toMatchObject({ status: "succeeded", read: 0, created: 0, updated: 0 });

    writeCsv(server, "contacts-2.csv", people(31, 45, (i) => (i === 40 ? "changed@example.com" : `p${i}@example.com`)));
    const changed = await runImport(db, workspaceId, imp.id);
    expect(changed).toMatchObject({ status: "succeeded", read: 15, created: 0, updated: 1, unchanged: 14 });
    expect((await contactsOf(workspaceId)).find((c) => c.id === "40")?.email).toBe("changed@example.com");
  });

  it("rejects a malformed line with its line number and imports the rest; reads .csv.gz", async () => {
    const ws = await newWorkspace(db);
    const connection = await createConnection(db, { workspaceId: ws, connector, name: `Gz ${connector} ${Date.now()}`, settings: server.settings, secrets: { password: account.password } });
    const source = await addSource(db, { workspaceId: ws, actor: tester, input: { connectionId: connection.id } });
    const lines = ["id,email,first_name", "1,a@example.com,Ann", "2,b@example.com", '3,c@ex"ample.com,Cy', "4,d@example.com,Dee", ",e@example.com,Eve"];
    fs.mkdirSync(path.join(server.root, "gz"), { recursive: true });
    fs.writeFileSync(path.join(server.root, "gz", "contacts-9.csv.gz"), zlib.gzipSync(lines.join("\n") + "\n"));
    const imp = await createImport(db, ws, fileImport(server, source.id, { folder: "/gz", pattern: "contacts-*.csv.gz" }));
    const run = await runImport(db, ws, imp.id);
    expect(run).toMatchObject({ status: "partial", read: 5, created: 2, rejected: 3 });
    expect(await contactsOf(ws)).toEqual([
      { id: "1", email: "a@example.com", firstName: "Ann" },
      { id: "4", email: "d@example.com", firstName: "Dee" },
    ]);
    const rejects = await rejectsOf(run.id);
    expect(rejects).toEqual([
      { kind: "malformed_line", message: "Line 3: expected 3 fields, got 2" },
      { kind: "malformed_line", message: expect.stringMatching(/^Line 4: Invalid Opening Quote/) },
      { kind: "missing_key", message: 'Line 6: The key column "id" is empty' },
    ]);
  });

  it("refuses a broken .gz file, saying why, keeps what its committed pages imported, and goes on with the other files", async () => {
    const folder = path.join(server.root, "broken");
    fs.mkdirSync(folder, { recursive: true });
    const cut = zlib.gzipSync(["id,email,first_name", ...people(301, 900)].join("\n") + "\n");
    fs.writeFileSync(path.join(folder, "broken-1.csv.gz"), cut.subarray(0, Math.floor(cut.length * 0.7)));
    fs.writeFileSync(path.join(folder, "broken-2.csv.gz"), "id,email,first_name\n1,not@gzip.example,No\n");
    fs.writeFileSync(path.join(folder, "broken-3.csv.gz"), zlib.gzipSync(["id,email,first_name", ...people(901, 903)].join("\n") + "\n"));
    const ws = await newWorkspace(db);
    const connection = await createConnection(db, { workspaceId: ws, connector, name: `Broken ${connector} ${Date.now()}`, settings: server.settings, secrets: { password: account.password } });
    const source = await addSource(db, { workspaceId: ws, actor: tester, input: { connectionId: connection.id } });
    const imp = await createImport(db, ws, fileImport(server, source.id, { folder: "/broken", pattern: "broken-*.csv.gz" }));
    const run = await runImport(db, ws, imp.id, { pageSize: 50, budgetMs: 60_000 });
    expect(run.status).toBe("partial");
    const rejects = await rejectsOf(run.id);
    expect(rejects).toEqual([
      { kind: "file_refused", message: expect.stringMatching(/^broken-1\.csv\.gz was refused after line \d+ \(the lines up to it were imported\): it could not be read \(unexpected end of file\)$/) },
      { kind: "file_refused", message: "broken-2.csv.gz was refused, nothing from it was imported: it could not be read (incorrect header check)" },
    ]);
    const importedTo = Number(/after line (\d+)/.exec(rejects[0]!.message)![1]);
    expect(importedTo).toBeGreaterThan(1);
    const ids = (await contactsOf(ws)).map((c) => Number(c.id));
    expect(ids).toEqual([...people(301, 299 + importedTo), ...people(901, 903)].map((l) => Number(l.split(",")[0])));
    // Both are remembered as refused: the next run does not fail on them again.
    expect(await runImport(db, ws, imp.id)).toMatchObject({ status: "succeeded", read: 0 });
  });

  it("refuses a whole file on any bad line when asked, and moves imported files to processed/", async () => {
    writeCsv(server, "refuse-1.csv", [...people(201, 205), "206,x@example.com"]);
    writeCsv(server, "refuse-2.csv", people(211, 215));
    const imp = await createImport(db, workspaceId, fileImport(server, sourceId, { pattern: "refuse-*.csv", badLines: "refuse_file", afterImport: "move" }));
    const run = await runImport(db, workspaceId, imp.id);
    expect(run).toMatchObject({ status: "partial", created: 5 });
    const ids = (await contactsOf(workspaceId)).map((c) => Number(c.id));
    expect(ids.filter((id) => id > 200)).toEqual([211, 212, 213, 214, 215]);
    const rejects = await rejectsOf(run.id);
    expect(rejects).toEqual([
      { kind: "malformed_line", message: "Line 7: expected 3 fields, got 2" },
      { kind: "file_refused", message: expect.stringContaining("refuse-1.csv was refused, nothing from it was imported: 1 lines have problems") },
    ]);
    expect(fs.readdirSync(path.join(server.root, "in", "processed"))).toEqual(["refuse-2.csv"]);
    expect(fs.existsSync(path.join(server.root, "in", "refuse-1.csv"))).toBe(true);
    // The refused file is remembered: it is not read again until it changes.
    expect(await runImport(db, workspaceId, imp.id)).toMatchObject({ status: "succeeded", read: 0 });
  });

  it("previews the first rows of the first matching file as they land, and round-trips through the config document", async () => {
    writeCsv(server, "preview-1.csv", ["7,seven@example.com,Seven", "x8,,"]);
    const input = fileImport(server, sourceId, { pattern: "preview-*.csv" });
    const preview = await previewImport(db, { workspaceId, input: { sourceId, read: input.read, entity: "contacts", mapping: input.mapping, keyColumn: "id" } });
    expect(preview.columns).toEqual([
      { name: "id", type: "text" },
      { name: "email", type: "text" },
      { name: "first_name", type: "text" },
    ]);
    expect(preview.rows.map((r) => ({ id: r.id, fields: r.fields, problems: r.problems.length }))).toEqual([
      { id: "7", fields: { email: "seven@example.com", first_name: "Seven" }, problems: 0 },
      { id: "x8", fields: { email: null, first_name: null }, problems: 0 },
    ]);
    await expect(previewImport(db, { workspaceId, input: { sourceId, read: { ...input.read, pattern: "none-*.csv" }, entity: "contacts" } })).rejects.toThrow(/No file in .* matches none-\*\.csv/);

    const imp = await createImport(db, workspaceId, { ...fileImport(server, sourceId, { pattern: "preview-*.csv", badLines: "refuse_file", afterImport: "move" }), name: `Round trip ${connector}` });
    const document = await exportImports(db, { workspaceId });
    const exported = document.imports.find((i) => i.name === imp.name)!;
    expect(exported.read).toEqual({ type: "files", folder: `${server.base}/in`, pattern: "preview-*.csv", badLines: "refuse_file", afterImport: "move" });
    expect(await importImports(db, { workspaceId, actor: tester, document: importsDocument.parse(JSON.parse(JSON.stringify({ version: 1, imports: [exported] }))) })).toEqual({ created: 0, updated: 1 });
  });
});

it("resumes a file import whose process was killed mid-file: every line lands once, none lost", async () => {
  const server = await servers.sftp();
  try {
    const workspaceId = await newWorkspace(db);
    const connection = await createConnection(db, { workspaceId, connector: "sftp", name: `Kill ${Date.now()}`, settings: server.settings, secrets: { password: account.password } });
    const source = await addSource(db, { workspaceId, actor: tester, input: { connectionId: connection.id } });
    writeCsv(server, "contacts-a.csv", people(1, 20_000));
    const imp = await createImport(db, workspaceId, fileImport(server, source.id));
    const runId = await startedRun(db, workspaceId, imp.id);
    expect(await killedMidRead(db, runId, inject("databaseUrl"))).toBeLessThan(200);

    const run = await finishRun(db, runId, { pageSize: 100, budgetMs: 60_000 });
    expect(run).toMatchObject({ status: "succeeded", read: 20_000, created: 20_000, updated: 0, unchanged: 0, pages: 200 });
    const landed = await db.select({ n: sql<number>`count(*)::int`, min: sql<string>`min(id::int)`, max: sql<string>`max(id::int)` }).from(contacts).where(and(eq(contacts.workspaceId, workspaceId)));
    expect(landed[0]).toEqual({ n: 20_000, min: 1, max: 20_000 });
  } finally {
    await server.close();
  }
});
