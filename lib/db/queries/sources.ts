import "server-only";
import { and, asc, desc, eq, gt } from "drizzle-orm";
import { NotFoundError, PublicError } from "@/lib/errors";
import type { Db } from "../client";
import { connections, importRecords, importRejects, importRuns, importRunSteps, imports, sources } from "../schema";
import { keysetPage, type PageParams } from "./page";

type ImportValues = Omit<typeof imports.$inferInsert, "id" | "workspaceId" | "createdAt" | "updatedAt" | "cursor">;

/** The workspace's sources with their connection's name and connector (never its settings or secrets). */
export const listSources = (db: Db, p: { workspaceId: string }) =>
  db
    .select({ id: sources.id, connectionId: sources.connectionId, name: connections.name, connector: connections.connector, createdAt: sources.createdAt })
    .from(sources)
    .innerJoin(connections, eq(connections.id, sources.connectionId))
    .where(eq(sources.workspaceId, p.workspaceId))
    .orderBy(asc(connections.name));

export async function requireSource(db: Db, p: { workspaceId: string; sourceId: string }) {
  const [row] = (await listSources(db, p)).filter((s) => s.id === p.sourceId);
  if (!row) throw new NotFoundError("Source");
  return row;
}

/** Marks a connection as a source; marking it again answers the same source. */
export async function insertSource(db: Db, p: { workspaceId: string; connectionId: string }) {
  await db.insert(sources).values(p).onConflictDoNothing();
  const row = await db.query.sources.findFirst({ where: and(eq(sources.connectionId, p.connectionId), eq(sources.workspaceId, p.workspaceId)) });
  if (!row) throw new NotFoundError("Connection");
  return row;
}

/** Unmarks a source; refused (409) while imports read it. */
export async function deleteSource(db: Db, p: { workspaceId: string; sourceId: string }) {
  const used = await db.query.imports.findMany({ where: and(eq(imports.sourceId, p.sourceId), eq(imports.workspaceId, p.workspaceId)), columns: { name: true } });
  if (used.length) throw new PublicError(`The source is read by ${used.map((i) => `"${i.name}"`).join(", ")}: delete those imports first`, { status: 409 });
  const deleted = await db.delete(sources).where(and(eq(sources.id, p.sourceId), eq(sources.workspaceId, p.workspaceId))).returning({ id: sources.id });
  if (!deleted.length) throw new NotFoundError("Source");
}

export async function insertImport(db: Db, p: { workspaceId: string; values: ImportValues }) {
  const [created] = await db.insert(imports).values({ workspaceId: p.workspaceId, ...p.values }).returning();
  return created!;
}

/** Writes an import's configuration; `resetCursor` forgets where reading stopped (what it reads changed). */
export async function writeImport(db: Db, p: { workspaceId: string; importId: string; values: ImportValues; resetCursor: boolean; dropLedger: boolean }) {
  return db.transaction(async (tx) => {
    const [updated] = await tx
      .update(imports)
      .set({ ...p.values, ...(p.resetCursor ? { cursor: null } : {}), updatedAt: new Date() })
      .where(and(eq(imports.id, p.importId), eq(imports.workspaceId, p.workspaceId)))
      .returning();
    if (!updated) throw new NotFoundError("Import");
    if (p.dropLedger) await tx.delete(importRecords).where(eq(importRecords.importId, updated.id));
    return updated;
  });
}

export const getImport = (db: Db, p: { workspaceId: string; importId: string }) =>
  db.query.imports.findFirst({ where: and(eq(imports.id, p.importId), eq(imports.workspaceId, p.workspaceId)) });

export async function requireImport(db: Db, p: { workspaceId: string; importId: string }) {
  const row = await getImport(db, p);
  if (!row) throw new NotFoundError("Import");
  return row;
}

export const listImports = (db: Db, p: { workspaceId: string }) => db.query.imports.findMany({ where: eq(imports.workspaceId, p.workspaceId), orderBy: asc(imports.name) });

/** A page of the workspace's imports in id order (the REST list). */
export const importsPage = (db: Db, p: { workspaceId: string } & PageParams) =>
  keysetPage(
    p.limit,
    (take) => db.query.imports.findMany({ where: and(eq(imports.workspaceId, p.workspaceId), p.cursor ? gt(imports.id, p.cursor) : undefined), orderBy: asc(imports.id), limit: take }),
    (i) => i.id,
  );

/** Deletes an import with its runs, state and record log; the entity rows it wrote stay. Refused (409) while it runs. */
export async function deleteImport(db: Db, p: { workspaceId: string; importId: string }) {
  await db.transaction(async (tx) => {
    const [row] = await tx.select().from(imports).where(and(eq(imports.id, p.importId), eq(imports.workspaceId, p.workspaceId))).for("update");
    if (!row) throw new NotFoundError("Import");
    const running = await tx.query.importRuns.findFirst({ where: and(eq(importRuns.importId, row.id), eq(importRuns.status, "running")), columns: { id: true } });
    if (running) throw new PublicError("A run of this import is running: cancel it, or wait for it to end, then delete the import", { status: 409 });
    await tx.delete(importRejects).where(eq(importRejects.importId, row.id));
    await tx.delete(importRecords).where(eq(importRecords.importId, row.id));
    await tx.delete(imports).where(eq(imports.id, row.id));
  });
}

/** The import's runs, newest first. */
export const listImportRuns = (db: Db, p: { workspaceId: string; importId: string; limit?: number }) =>
  db.query.importRuns.findMany({ where: and(eq(importRuns.importId, p.importId), eq(importRuns.workspaceId, p.workspaceId)), orderBy: desc(importRuns.queuedAt), limit: p.limit ?? 50 });

export async function requireImportRun(db: Db, p: { workspaceId: string; runId: string }) {
  const run = await db.query.importRuns.findFirst({ where: and(eq(importRuns.id, p.runId), eq(importRuns.workspaceId, p.workspaceId)) });
  if (!run) throw new NotFoundError("Run");
  return run;
}

/** A run's per-step history, in order. */
export const importRunStepsOf = (db: Db, p: { runId: string }) => db.query.importRunSteps.findMany({ where: eq(importRunSteps.runId, p.runId), orderBy: asc(importRunSteps.startedAt) });

/** A page of a run's rejected rows, oldest first; the cursor is the last row's id. */
export const importRejectsPage = (db: Db, p: { workspaceId: string; runId: string } & PageParams) =>
  keysetPage(
    p.limit,
    (take) =>
      db.query.importRejects.findMany({
        where: and(eq(importRejects.runId, p.runId), eq(importRejects.workspaceId, p.workspaceId), p.cursor ? gt(importRejects.id, Number(p.cursor)) : undefined),
        orderBy: asc(importRejects.id),
        limit: take,
      }),
    (r) => String(r.id),
  );
