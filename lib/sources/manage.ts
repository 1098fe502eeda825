import "server-only";
import { isDeepStrictEqual } from "node:util";
import { type Actor, audit } from "@/lib/audit";
import type { Db } from "@/lib/db/client";
import { requireConnectionRow } from "@/lib/db/queries/connections";
import { deleteImport, deleteSource, insertImport, insertSource, listImports, listSources, requireImport, requireSource, writeImport } from "@/lib/db/queries/sources";
import type { Import } from "@/lib/db/schema";
import { parseWith, PublicError } from "@/lib/errors";
import { isOneOf } from "@/lib/vocabulary";
import { firstFileRows } from "./files";
import { openSource } from "./open";
import { baseSelect } from "./read-sql";
import { type FileRead, type ImportConfig, importInputSchema, keepsLedger, sourceConnectors, sourceInputSchema } from "./schema";

type Who = { workspaceId: string; actor: Actor };

/**
 * Marks a PostgreSQL, MySQL/MariaDB, SFTP or FTP connection of the workspace as usable as a source (admins: the caller checks
 * `manageConnections`). Input: `{ connectionId }` (sourceInputSchema). Marking it again answers the same source.
 */
export async function addSource(db: Db, p: Who & { input: unknown }) {
  const { connectionId } = parseWith(sourceInputSchema, p.input);
  const connection = await requireConnectionRow(db, { workspaceId: p.workspaceId, connectionId });
  if (!isOneOf(sourceConnectors, connection.connector)) throw new PublicError(`Only PostgreSQL, MySQL/MariaDB, SFTP and FTP connections can be sources; "${connection.name}" is ${connection.connector}`);
  const source = await insertSource(db, { workspaceId: p.workspaceId, connectionId });
  await audit(db, { workspaceId: p.workspaceId, actor: p.actor, action: "source.added", target: { type: "source", id: source.id, name: connection.name } });
  return requireSource(db, { workspaceId: p.workspaceId, sourceId: source.id });
}

/** Unmarks a source (the connection stays); refused (409) while an import reads it. */
export async function removeSource(db: Db, p: Who & { sourceId: string }) {
  const source = await requireSource(db, p);
  await deleteSource(db, p);
  await audit(db, { workspaceId: p.workspaceId, actor: p.actor, action: "source.removed", target: { type: "source", id: source.id, name: source.name } });
}

/** The workspace's sources: `{ id, connectionId, name, connector, createdAt }`, by name. */
export const sourcesOf = (db: Db, p: { workspaceId: string }) => listSources(db, p);

/**
 * Checks an import against its source: the query passes the read-only check and reads its first row in a read-only
 * transaction, and the key, the cursor and every mapped column are columns of what it reads. Opens a read-only session on the source (its errors are PublicErrors).
 * A file import's folder must be readable, and the key and mapped columns in the header of its first file, if any matches yet.
 */
export async function checkImport(db: Db, p: { workspaceId: string; input: unknown }): Promise<ImportConfig> {
  const config = parseWith(importInputSchema, p.input, "The import does not fit");
  if (config.read.type === "files") {
    await checkFileColumns(db, { workspaceId: p.workspaceId, config, read: config.read });
    return config;
  }
  const read = config.read;
  const session = await openSource(db, { workspaceId: p.workspaceId, sourceId: config.sourceId });
  try {
    const base = baseSelect(session, read);
    const columns = new Set((await session.columns(base, [])).map((c) => c.name));
    // The first row is read too: a function that writes runs then, and the read-only transaction refuses it.
    for await (const first of session.rows(base, [], 1)) if (first.length) break;
    const wanted = [config.keyColumn, ...(config.changes.type === "cursor" ? [config.changes.column] : []), ...config.mapping.map((m) => m.column)];
    const missing = [...new Set(wanted.filter((c) => !columns.has(c)))];
    if (missing.length) throw new PublicError(`The source has no column ${missing.map((c) => `"${c}"`).join(", ")}; it has ${[...columns].map((c) => `"${c}"`).join(", ")}`);
  } catch (error) {
    if (error instanceof PublicError) throw error;
    throw new PublicError(`The source refused the read: ${(error as Error).message}`);
  } finally {
    await session.close();
  }
  return config;
}

async function checkFileColumns(db: Db, p: { workspaceId: string; config: ImportConfig; read: FileRead }) {
  const first = await firstFileRows(db, { workspaceId: p.workspaceId, sourceId: p.config.sourceId, read: p.read, limit: 0 });
  if (!first) return;
  const missing = [...new Set([p.config.keyColumn, ...p.config.mapping.map((m) => m.column)])].filter((c) => !first.header.includes(c));
  if (missing.length) throw new PublicError(`${first.file} has no column ${missing.map((c) => `"${c}"`).join(", ")}; it has ${first.header.map((c) => `"${c}"`).join(", ")}`);
}

/** An import as its input, to change some fields and check it again, or to export it. */
export const importInputOf = (i: Import) => ({
  name: i.name,
  sourceId: i.sourceId,
  read: i.read,
  entity: i.entity,
  mapping: i.mapping,
  keyColumn: i.keyColumn,
  changes: i.changes,
  onMissing: i.onMissing,
  schedule: i.schedule,
  enabled: i.enabled,
  alerts: i.alerts ?? { channelIds: [] },
});

/**
 * Whether a change alters what the import reads, its key or how it finds changes, or makes it start keeping a ledger
 * of the keys it writes (which must then list every row): then reading starts over.
 */
const readsAnew = (config: ImportConfig, current: Import) =>
  (["sourceId", "read", "keyColumn", "changes", "entity"] as const).some((k) => !isDeepStrictEqual(JSON.parse(JSON.stringify(config[k])), current[k])) ||
  (keepsLedger(config) && !keepsLedger(current));

/** Writes a checked change of an import: reading starts over when the change says so; a ledger no longer kept is forgotten. */
export const writeImportChange = (db: Db, p: { workspaceId: string; current: Import; config: ImportConfig }) =>
  writeImport(db, { workspaceId: p.workspaceId, importId: p.current.id, values: p.config, resetCursor: readsAnew(p.config, p.current), dropLedger: !keepsLedger(p.config) });

/** Creates an import (editors: the caller checks `editSyncs`) from an ImportInput, checked against its source. */
export async function addImport(db: Db, p: Who & { input: unknown }) {
  const config = await checkImport(db, p);
  const created = await insertImport(db, { workspaceId: p.workspaceId, values: config });
  await audit(db, { workspaceId: p.workspaceId, actor: p.actor, action: "import.created", target: { type: "import", id: created.id, name: created.name } });
  return created;
}

/**
 * Replaces an import's configuration with `input` (a whole ImportInput), checked again. A change of what it reads,
 * its key or how it finds changes forgets where reading stopped: the next run reads everything again. An import that
 * no longer acts on disappeared rows forgets its ledger.
 */
export async function changeImport(db: Db, p: Who & { importId: string; input: unknown }) {
  const current = await requireImport(db, p);
  const config = await checkImport(db, p);
  const updated = await writeImportChange(db, { workspaceId: p.workspaceId, current, config });
  await audit(db, { workspaceId: p.workspaceId, actor: p.actor, action: "import.updated", target: { type: "import", id: updated.id, name: updated.name } });
  return updated;
}

/** Deletes an import with its runs and record log; the entity rows it wrote stay. 409 while it runs. */
export async function removeImport(db: Db, p: Who & { importId: string }) {
  const current = await requireImport(db, p);
  await deleteImport(db, p);
  await audit(db, { workspaceId: p.workspaceId, actor: p.actor, action: "import.deleted", target: { type: "import", id: current.id, name: current.name } });
}

/** One import of the workspace (404 otherwise). */
export const importOf = (db: Db, p: { workspaceId: string; importId: string }) => requireImport(db, p);

/** The workspace's imports, by name. */
export const importsOf = (db: Db, p: { workspaceId: string }) => listImports(db, p);
