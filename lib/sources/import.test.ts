import { and, asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deleteEntityRecords } from "@/lib/db/queries/entities";
import { contacts, importRecords, importRejects } from "@/lib/db/schema";
import { changeImport } from "./manage";
import { connectTestDb, newWorkspace } from "@/test/db";
import { mysqlAvailable } from "@/test/destinations";
import { createImport, finishRun, insertPeople, peopleImport, peopleSource, runImport, type SourceDb, startedRun, tester } from "@/test/sources";
import { readImportPages } from "./read";

const { db } = connectTestDb();
const hasMysql = await mysqlAvailable();

/** The workspace's contacts as the test compares them with the source. */
const contactsOf = async (workspaceId: string) =>
  (await db.select().from(contacts).where(eq(contacts.workspaceId, workspaceId)).orderBy(asc(sql`${contacts.id}::int`))).map((c) => ({ id: c.id, email: c.email, firstName: c.firstName, birthDate: c.birthDate, score: c.traits.score, deletedAt: c.traits.deleted_at }));

/** The source's people as contacts would hold them. */
const peopleOf = async (source: SourceDb) =>
  (await source.query<{ id: number; email: string; first_name: string; score: number; birth: string }>("SELECT id, email, first_name, score, birth FROM people ORDER BY id")).map((p) => ({
    id: String(p.id),
    email: p.email,
    firstName: p.first_name,
    birthDate: p.birth,
    score: p.score,
    deletedAt: undefined,
  }));

describe.each<["postgres" | "mysql"]>([["postgres"], ...(hasMysql ? [["mysql" as const] as ["mysql"]] : [])])("imports from %s", (kind) => {
  let workspaceId: string;
  let source: SourceDb;
  beforeAll(async () => {
    workspaceId = await newWorkspace(db);
    source = await peopleSource(db, workspaceId, kind, 2_500);
  });
  afterAll(() => source?.close());

  /** A fresh workspace with its own people table of `rows` people, closed after `work`. */
  const withPeople = async (rows: number, work: (ws: string, people: SourceDb) => Promise<void>) => {
    const ws = await newWorkspace(db);
    const people = await peopleSource(db, ws, kind, rows);
    try {
      await work(ws, people);
    } finally {
      await people.close();
    }
  };

  it("lands the whole table first, then only what changed, and deletes what disappeared", async () => {
    const imp = await createImport(db, workspaceId, peopleImport(source.sourceId));
    const first = await runImport(db, workspaceId, imp.id);
    expect(first).toMatchObject({ status: "succeeded", read: 2_500, created: 2_500, rejected: 0 });
    expect(await contactsOf(workspaceId)).toEqual(await peopleOf(source));

    await source.query("UPDATE people SET email = 'changed@example.com', updated_at = '2026-02-01 00:00:00' WHERE id = 7");
    await source.query("DELETE FROM people WHERE id = 8");
    const second = await runImport(db, workspaceId, imp.id);
    expect(second).toMatchObject({ status: "succeeded", read: 1, updated: 1, created: 0, deleted: 1 });
    const now = await contactsOf(workspaceId);
    expect(now.find((c) => c.id === "7")?.email).toBe("changed@example.com");
    expect(now.find((c) => c.id === "8")).toBeUndefined();
    expect(now).toEqual(await peopleOf(source));
  });

  it("never skips rows that share a cursor value across a page boundary", async () => {
    await withPeople(0, async (ws, tied) => {
      await insertPeople(tied, 1, 25, "2026-03-01 10:00:00");
      const imp = await createImport(db, ws, peopleImport(tied.sourceId, { onMissing: "nothing" }));
      const first = await runImport(db, ws, imp.id, { pageSize: 4, budgetMs: 60_000 });
      expect(first).toMatchObject({ read: 25, created: 25, pages: 7 });
      // More rows with the very same cursor value, keys after the last one read: the next run finds them.
      await insertPeople(tied, 26, 30, "2026-03-01 10:00:00");
      expect(await runImport(db, ws, imp.id, { pageSize: 4, budgetMs: 60_000 })).toMatchObject({ read: 5, created: 5 });
      expect((await contactsOf(ws)).map((c) => c.id)).toEqual(Array.from({ length: 30 }, (_, i) => String(i + 1)));
    });
  });

  it("compares every row in full mode, marks disappeared rows deleted, and logs rejected rows with their reason", async () => {
    await withPeople(20, async (ws, full) => {
      await full.query("UPDATE people SET birth = 'soon' WHERE id = 3");
      const query = "SELECT id, email, first_name, score, birth FROM people UNION ALL SELECT 5, 'twin@example.com', 'Twin', 1, NULL UNION ALL SELECT NULL, 'nokey@example.com', 'No key', 1, NULL";
      const imp = await createImport(db, ws, peopleImport(full.sourceId, { read: { type: "query", sql: query }, changes: { type: "full" }, onMissing: "mark_deleted" }));
      const first = await runImport(db, ws, imp.id);
      expect(first).toMatchObject({ status: "partial", read: 21, created: 18, rejected: 4 });
      const rejects = await db.select().from(importRejects).where(eq(importRejects.runId, first.id)).orderBy(asc(importRejects.id));
      expect(rejects.map((r) => [r.recordKey, r.kind])).toEqual(
        expect.arrayContaining([
          [null, "missing_key"],
          ["3", "type_mismatch"],
          ["5", "duplicate_key"],
          ["5", "duplicate_key"],
        ]),
      );
      expect(rejects.find((r) => r.kind === "type_mismatch")?.message).toMatch(/birth → birth_date must be a date/);

      await full.query("DELETE FROM people WHERE id = 10");
      const second = await runImport(db, ws, imp.id);
      expect(second).toMatchObject({ created: 0, updated: 0, unchanged: 17, deleted: 1 });
      const marked = await db.select().from(contacts).where(and(eq(contacts.workspaceId, ws), eq(contacts.id, "10")));
      expect(marked[0]?.traits.deleted_at).toEqual(expect.any(String));

      await insertPeople(full, 10, 10, "2026-01-01 00:00:00");
      expect(await runImport(db, ws, imp.id)).toMatchObject({ updated: 1, deleted: 0 });
      const back = await db.select().from(contacts).where(and(eq(contacts.workspaceId, ws), eq(contacts.id, "10")));
      expect(back[0]?.traits.deleted_at).toBeNull();
    });
  });

  it("holds the entity to the source: a full comparison lands again a row deleted or edited outside the import, and leaves equal rows unwritten", async () => {
    await withPeople(30, async (ws, src) => {
      const imp = await createImport(db, ws, peopleImport(src.sourceId, { changes: { type: "full" }, onMissing: "nothing" }));
      expect(await runImport(db, ws, imp.id)).toMatchObject({ created: 30, updated: 0, unchanged: 0 });
      const stamped = (await db.select({ updatedAt: contacts.updatedAt }).from(contacts).where(and(eq(contacts.workspaceId, ws), eq(contacts.id, "1"))))[0]!.updatedAt;
      await deleteEntityRecords(db, { workspaceId: ws, entity: "contacts", ids: ["4"] });
      await db.update(contacts).set({ email: "edited@example.com" }).where(and(eq(contacts.workspaceId, ws), eq(contacts.id, "5")));
      expect(await runImport(db, ws, imp.id)).toMatchObject({ created: 1, updated: 1, unchanged: 28 });
      expect(await contactsOf(ws)).toEqual(await peopleOf(src));
      const [untouched] = await db.select({ updatedAt: contacts.updatedAt }).from(contacts).where(and(eq(contacts.workspaceId, ws), eq(contacts.id, "1")));
      expect(untouched!.updatedAt).toEqual(stamped);
      expect(await db.$count(importRecords, eq(importRecords.importId, imp.id))).toBe(0);
    });
  });

  it("reads everything again when it starts deleting what disappeared, then deletes what disappears", async () => {
    await withPeople(40, async (ws, src) => {
      const imp = await createImport(db, ws, peopleImport(src.sourceId, { onMissing: "nothing" }));
      expect(await runImport(db, ws, imp.id)).toMatchObject({ read: 40, created: 40 });
      await changeImport(db, { workspaceId: ws, actor: tester, importId: imp.id, input: peopleImport(src.sourceId, { name: imp.name, onMissing: "delete" }) });
      await src.query("DELETE FROM people WHERE id IN (3, 4)");
      expect(await runImport(db, ws, imp.id)).toMatchObject({ read: 38, unchanged: 38, deleted: 0 });
      await src.query("DELETE FROM people WHERE id = 9");
      expect(await runImport(db, ws, imp.id)).toMatchObject({ read: 0, deleted: 1 });
      expect((await contactsOf(ws)).map((c) => c.id)).not.toContain("9");
      await changeImport(db, { workspaceId: ws, actor: tester, importId: imp.id, input: peopleImport(src.sourceId, { name: imp.name, onMissing: "nothing" }) });
      expect(await db.$count(importRecords, eq(importRecords.importId, imp.id))).toBe(0);
    });
  });

  it("commits page by page: a step that stops mid-read resumes where its last page ended, with nothing twice", async () => {
    await withPeople(1_000, async (ws, src) => {
      const imp = await createImport(db, ws, peopleImport(src.sourceId));
      const runId = await startedRun(db, ws, imp.id);
      // A budget spent at once: one page, then the step ends as a killed step would have after its commit.
      expect(await readImportPages(db, runId, "rows", { pageSize: 300, budgetMs: 0 })).toEqual({ done: false, cancelled: false });
      const run = await finishRun(db, runId, { pageSize: 300, budgetMs: 60_000 });
      expect(run).toMatchObject({ status: "succeeded", read: 1_000, created: 1_000, unchanged: 0, pages: 4 });
      expect(await contactsOf(ws)).toEqual(await peopleOf(src));
    });
  });
});
