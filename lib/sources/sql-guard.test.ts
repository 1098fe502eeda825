import { describe, expect, it } from "vitest";
import { assertReadOnlyQuery, type Dialect } from "./sql-guard";

describe.each<[Dialect]>([["postgres"], ["mysql"]])("the read-only check (%s)", (dialect) => {
  it("accepts one SELECT or WITH … SELECT, without its trailing semicolon", () => {
    expect(assertReadOnlyQuery("SELECT id, email FROM people WHERE note = 'a;b';", dialect)).toBe("SELECT id, email FROM people WHERE note = 'a;b'");
    expect(assertReadOnlyQuery("WITH recent AS (SELECT * FROM people) SELECT * FROM recent", dialect)).toContain("WITH recent");
  });

  it.each([
    ["an INSERT", "INSERT INTO people (id) VALUES (1)"],
    ["an UPDATE", "UPDATE people SET email = NULL"],
    ["a DELETE after a SELECT", "SELECT 1; DELETE FROM people"],
    ["two SELECTs", "SELECT 1; SELECT 2"],
    ["a DROP", "DROP TABLE people"],
    ["FOR UPDATE", "SELECT * FROM people FOR UPDATE"],
  ])("refuses %s", (_, sql) => {
    expect(() => assertReadOnlyQuery(sql, dialect)).toThrow(/The query is refused/);
  });
});

describe("the read-only check of PostgreSQL's forms", () => {
  it.each([
    ["an UPDATE in a CTE", "WITH changed AS (UPDATE people SET email = NULL RETURNING *) SELECT * FROM changed"],
    ["a DELETE in a CTE", "WITH gone AS (DELETE FROM people RETURNING id) SELECT id FROM gone"],
    ["SELECT INTO (creates a table)", "SELECT * INTO copy_of_people FROM people"],
  ])("refuses %s", (_, sql) => {
    expect(() => assertReadOnlyQuery(sql, "postgres")).toThrow(/The query is refused/);
  });
});

it("refuses MySQL's SELECT … INTO OUTFILE", () => {
  expect(() => assertReadOnlyQuery("SELECT * FROM people INTO OUTFILE '/tmp/people'", "mysql")).toThrow(/INTO writes/);
});
