/** The statements an import sends to its source: its table or checked query, read in (cursor, key) or key order. */
import type { ImportChanges, ImportRead, Position } from "./schema";
import type { SourceSession } from "./session";
import { assertReadOnlyQuery } from "./sql-guard";

/** What a database source reads (files are read by lib/sources/files.ts). */
export type DatabaseRead = Exclude<ImportRead, { type: "files" }>;

type Dialectal = Pick<SourceSession, "dialect" | "quote" | "param">;

/** The rows the import reads, as a statement: the table, or the user's query once it passed the read-only check. */
export function baseSelect(s: Dialectal, read: DatabaseRead) {
  if (read.type === "query") return assertReadOnlyQuery(read.sql, s.dialect);
  return `SELECT * FROM ${read.schema ? `${s.quote(read.schema)}.` : ""}${s.quote(read.table)}`;
}

/** The order a read follows and resumes in: (cursor, key) for a cursor import, the key alone otherwise. */
export const orderColumns = (changes: ImportChanges, keyColumn: string) => (changes.type === "cursor" ? [changes.column, keyColumn] : [keyColumn]);

/** A position's values in the order of `orderColumns`. */
export const positionValues = (position: Position, columns: string[]) => (columns.length === 2 ? [position.cursor ?? null, position.key] : [position.key]);

/**
 * Every row after `after` in the given order (ties on the cursor are ordered by key, so none is skipped between
 * pages). Rows with an empty key or cursor cannot be paged: they are left out (see emptyOrderCount); `keysOnly`
 * reads just the order columns.
 */
export function pagedSelect(s: Dialectal, p: { base: string; order: string[]; after?: Position; keysOnly?: boolean }) {
  const cols = p.order.map(s.quote);
  const where = cols.map((c) => `${c} IS NOT NULL`);
  const params = p.after ? positionValues(p.after, p.order) : [];
  if (p.after) where.push(cols.length === 2 ? `(${cols.join(", ")}) > (${s.param(1)}, ${s.param(2)})` : `${cols[0]} > ${s.param(1)}`);
  const sql = `SELECT ${p.keysOnly ? cols.join(", ") : "*"} FROM (${p.base}\n) relay_src${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY ${cols.join(", ")}`;
  return { sql, params };
}

/** How many rows have an empty key or cursor: a read in that order cannot reach them. */
export function emptyOrderCount(s: Dialectal, p: { base: string; order: string[] }) {
  return `SELECT count(*) AS n FROM (${p.base}\n) relay_src WHERE ${p.order.map((c) => `${s.quote(c)} IS NULL`).join(" OR ")}`;
}
