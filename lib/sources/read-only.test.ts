import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PublicError } from "@/lib/errors";
import { connectTestDb, newWorkspace } from "@/test/db";
import { mysqlAvailable } from "@/test/destinations";
import { createImport, peopleImport, peopleSource, type SourceDb } from "@/test/sources";
import { previewImport } from "./preview";

const { db } = connectTestDb();
const hasMysql = await mysqlAvailable();

/** A function that writes: no parser can see it in a query's text, the read-only transaction refuses it. */
const writers = {
  postgres: "CREATE FUNCTION wipe() RETURNS int LANGUAGE sql AS 'DELETE FROM people RETURNING 1'",
  mysql: "CREATE FUNCTION wipe() RETURNS int MODIFIES SQL DATA BEGIN DELETE FROM people; RETURN 1; END",
};

describe.each<["postgres" | "mysql"]>([["postgres"], ...(hasMysql ? [["mysql"] as ["mysql"]] : [])])("reading a %s source never writes", (kind) => {
  let workspaceId: string;
  let source: SourceDb;
  beforeAll(async () => {
    workspaceId = await newWorkspace(db);
    source = await peopleSource(db, workspaceId, kind, 5);
    await source.query(writers[kind]);
  });
  afterAll(() => source?.close());

  const preview = (sql: string) => previewImport(db, { workspaceId, input: { sourceId: source.sourceId, read: { type: "query", sql }, entity: "contacts", mapping: [{ column: "email", field: "email" }], keyColumn: "id" } });
  const people = async () => (await source.query<{ n: number | string }>("SELECT count(*) AS n FROM people"))[0]!.n;

  it("shows the first rows as they land", async () => {
    const shown = await preview("SELECT id, email FROM people ORDER BY id");
    expect(shown.rows.map((r) => [r.id, r.fields.email])).toEqual([1, 2, 3, 4, 5].map((i) => [String(i), `p${i}@example.com`]));
    expect(shown.columns.map((c) => c.name)).toEqual(["id", "email"]);
  });

  it.each([
    ["an INSERT", "INSERT INTO people (id, email, updated_at) VALUES (99, 'x', '2026-01-01')"],
    ["several statements", "SELECT id, email FROM people; DELETE FROM people"],
    ["a function call that writes", "SELECT wipe() AS id, 'x' AS email"],
  ])("refuses %s and leaves the source as it was", async (_, sql) => {
    await expect(preview(sql)).rejects.toBeInstanceOf(PublicError);
    expect(Number(await people())).toBe(5);
  });

  it("refuses to save an import whose query writes", async () => {
    await expect(createImport(db, workspaceId, peopleImport(source.sourceId, { read: { type: "query", sql: "SELECT wipe() AS id, 'x' AS email, 'a' AS first_name, 1 AS score, NULL AS birth, NULL AS updated_at" } }))).rejects.toBeInstanceOf(PublicError);
    expect(Number(await people())).toBe(5);
  });
});

it("refuses a data-modifying CTE before it reaches PostgreSQL", async () => {
  const workspaceId = await newWorkspace(db);
  const source = await peopleSource(db, workspaceId, "postgres", 3);
  try {
    const sql = "WITH gone AS (DELETE FROM people RETURNING id, email) SELECT id, email FROM gone";
    await expect(previewImport(db, { workspaceId, input: { sourceId: source.sourceId, read: { type: "query", sql }, entity: "contacts", mapping: [{ column: "email", field: "email" }], keyColumn: "id" } })).rejects.toThrow(/The query is refused/);
    expect((await source.query("SELECT id FROM people")).length).toBe(3);
  } finally {
    await source.close();
  }
});
