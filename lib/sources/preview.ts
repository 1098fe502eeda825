import "server-only";
import type { Db } from "@/lib/db/client";
import { parseWith, PublicError } from "@/lib/errors";
import { openSource } from "./open";
import { baseSelect } from "./read-sql";
import { type LandedRow, rowLander } from "./rows";
import { firstFileRows } from "./files";
import { type FileRead, type ImportColumn, type Preview, type PreviewRow, previewInputSchema, suggestCursorColumn } from "./schema";

type PreviewConfig = ReturnType<typeof previewInputSchema.parse>;

/**
 * The first rows of a source read (PreviewInput: source, table or query, entity, mapping, key) as they will land in
 * the entity, each with the problems that would reject it; plus the columns the read has (name and database type)
 * and the cursor column suggested for them. Reads through the same read-only session as a run, so a query that
 * writes is refused here too (a 422 PublicError). For files: the first rows of the first file that matches.
 */
export async function previewImport(db: Db, p: { workspaceId: string; input: unknown }): Promise<Preview> {
  const input = parseWith(previewInputSchema, p.input, "The preview does not fit");
  if (input.read.type === "files") return previewFiles(db, { workspaceId: p.workspaceId, input, read: input.read });
  const read = input.read;
  const session = await openSource(db, { workspaceId: p.workspaceId, sourceId: input.sourceId });
  try {
    const base = baseSelect(session, read);
    const columns = await session.columns(base, []);
    const keyColumn = input.keyColumn ?? columns[0]?.name ?? "";
    const land = rowLander({ entity: input.entity, mapping: input.mapping, keyColumn });
    const rows: PreviewRow[] = [];
    for await (const chunk of session.rows(`SELECT * FROM (${base}\n) relay_preview`, [], input.limit)) {
      for (const row of chunk.slice(0, input.limit - rows.length)) rows.push(previewRow(land(row), row, input.mapping));
      if (rows.length >= input.limit) break;
    }
    return { columns, suggestedCursor: suggestCursorColumn(columns.map((c) => c.name)), rows };
  } catch (error) {
    if (error instanceof PublicError) throw error;
    throw new PublicError(`The source refused the read: ${(error as Error).message}`);
  } finally {
    await session.close();
  }
}

/** The first rows of the first matching file as they will land; its header names the columns (all text). */
async function previewFiles(db: Db, p: { workspaceId: string; input: PreviewConfig; read: FileRead }): Promise<Preview> {
  const first = await firstFileRows(db, { workspaceId: p.workspaceId, sourceId: p.input.sourceId, read: p.read, limit: p.input.limit });
  if (!first) throw new PublicError(`No file in ${p.read.folder} matches ${p.read.pattern} yet: the preview shows the first rows of the first file that does`);
  const land = rowLander({ entity: p.input.entity, mapping: p.input.mapping, keyColumn: p.input.keyColumn ?? first.header[0] ?? "" });
  return { columns: first.header.map((name) => ({ name, type: "text" })), rows: first.rows.map((row) => previewRow(land(row), row, p.input.mapping)) };
}

/** A rejected row shows its source values where they would have landed. */
function previewRow(landed: LandedRow, row: Record<string, unknown>, mapping: ImportColumn[]): PreviewRow {
  if (landed.ok) {
    const { id, traits, ...fields } = landed.record;
    return { id, fields, traits: traits ?? {}, problems: [] };
  }
  const fields = Object.fromEntries(mapping.filter((m) => m.field !== "traits").map((m) => [m.field, row[m.column]]));
  const traits = Object.fromEntries(mapping.filter((m) => m.field === "traits").map((m) => [m.column, row[m.column]]));
  return { id: landed.key, fields, traits, problems: [{ kind: landed.kind === "missing_key" ? "missing_key" : "type_mismatch", message: landed.message }] };
}
