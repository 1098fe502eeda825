import "server-only";
import { z } from "zod";
import { importRejectsPage, importsPage, listSources, requireImport } from "@/lib/db/queries/sources";
import type { Import, ImportRun } from "@/lib/db/schema";
import { addImport, addSource, changeImport, importInputOf, removeImport, removeSource } from "@/lib/sources/manage";
import { previewImport } from "@/lib/sources/preview";
import { cancelImportRun, importRunDetail, importRunsOf, startImportRun } from "@/lib/sources/runs";
import { type ImportInput, importFieldsSchema, importInputSchema, previewInputSchema, sourceInputSchema } from "@/lib/sources/schema";
import { exportImports, importImports, importsDocument } from "@/lib/sources/transfer";
import { importRejectKinds, runStatuses, runTriggers } from "@/lib/vocabulary";
import { defineRoute, idParams, pageQuery } from "../route";

const sourceOut = z.object({ id: z.uuid(), connectionId: z.uuid(), name: z.string(), connector: z.string(), createdAt: z.string() });
const importOut = importFieldsSchema.extend({ id: z.uuid(), createdAt: z.string(), updatedAt: z.string() });
const publicImport = (i: Import) => ({ id: i.id, ...importInputOf(i), createdAt: i.createdAt, updatedAt: i.updatedAt });

const importRunOut = z.object({
  id: z.uuid(),
  importId: z.uuid(),
  trigger: z.enum(runTriggers),
  status: z.enum(runStatuses),
  counts: z.object({ read: z.number(), created: z.number(), updated: z.number(), unchanged: z.number(), deleted: z.number(), rejected: z.number(), pages: z.number() }),
  error: z.string().nullable(),
  queuedAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  steps: z.array(z.object({ name: z.string(), status: z.string(), attempt: z.number(), error: z.string().nullable(), startedAt: z.string(), finishedAt: z.string().nullable() })).optional(),
});
const publicRun = (r: ImportRun) => ({
  id: r.id,
  importId: r.importId,
  trigger: r.trigger,
  status: r.status,
  counts: { read: r.read, created: r.created, updated: r.updated, unchanged: r.unchanged, deleted: r.deleted, rejected: r.rejected, pages: r.pages },
  error: r.error,
  queuedAt: r.queuedAt,
  startedAt: r.startedAt,
  finishedAt: r.finishedAt,
});

/** A change: every field optional and without its default, so a field left out keeps its stored value. */
const importChange = z.strictObject(
  Object.fromEntries(Object.entries(importFieldsSchema.shape).map(([key, field]) => [key, (field instanceof z.ZodDefault ? field.unwrap() : field).optional()])),
) as unknown as z.ZodType<Partial<ImportInput>>;

export const listSourcesRoute = defineRoute({
  method: "GET",
  path: "/sources",
  tag: "Sources",
  summary: "List the connections marked usable as sources",
  response: z.array(sourceOut),
  handle: async ({ db, workspaceId }) => ({ data: await listSources(db, { workspaceId }) }),
});

export const addSourceRoute = defineRoute({
  method: "POST",
  path: "/sources",
  tag: "Sources",
  summary: "Mark a PostgreSQL, MySQL/MariaDB, SFTP or FTP connection usable as a source (imports read it with its own credentials)",
  body: sourceInputSchema,
  success: 201,
  response: sourceOut,
  handle: async ({ db, workspaceId, actor, body }) => ({ data: await addSource(db, { workspaceId, actor, input: body }) }),
});

export const removeSourceRoute = defineRoute({
  method: "DELETE",
  path: "/sources/{id}",
  tag: "Sources",
  summary: "Unmark a source (the connection stays); 409 while imports read it",
  params: idParams,
  response: z.object({ id: z.uuid(), deleted: z.boolean() }),
  handle: async ({ db, workspaceId, actor, params }) => {
    await removeSource(db, { workspaceId, actor, sourceId: params.id });
    return { data: { id: params.id, deleted: true } };
  },
});

export const previewImportRoute = defineRoute({
  method: "POST",
  path: "/sources/preview",
  tag: "Sources",
  summary: "The first rows of a table, a read-only query or the first matching file as they would land in the entity, with type problems",
  body: previewInputSchema,
  response: z.object({
    columns: z.array(z.object({ name: z.string(), type: z.string() })),
    suggestedCursor: z.string().optional(),
    rows: z.array(z.object({ id: z.string().nullable(), fields: z.record(z.string(), z.unknown()), traits: z.record(z.string(), z.unknown()), problems: z.array(z.object({ column: z.string().optional(), kind: z.string(), message: z.string() })) })),
  }),
  handle: async ({ db, workspaceId, body }) => ({ data: await previewImport(db, { workspaceId, input: body }) }),
});

export const listImportsRoute = defineRoute({
  method: "GET",
  path: "/imports",
  tag: "Imports",
  summary: "List imports",
  query: pageQuery,
  response: z.array(importOut),
  handle: async ({ db, workspaceId, query }) => {
    const { page, nextCursor } = await importsPage(db, { workspaceId, ...query });
    return { data: page.map(publicImport), nextCursor };
  },
});

export const createImportRoute = defineRoute({
  method: "POST",
  path: "/imports",
  tag: "Imports",
  summary: "Create an import; it is checked against its source (columns, read-only query, the folder and the header of its first matching file). Files: changes must be full and onMissing nothing",
  body: importInputSchema,
  success: 201,
  response: importOut,
  handle: async ({ db, workspaceId, actor, body }) => ({ data: publicImport(await addImport(db, { workspaceId, actor, input: body })) }),
});

export const getImportRoute = defineRoute({
  method: "GET",
  path: "/imports/{id}",
  tag: "Imports",
  summary: "An import",
  params: idParams,
  response: importOut,
  handle: async ({ db, workspaceId, params }) => ({ data: publicImport(await requireImport(db, { workspaceId, importId: params.id })) }),
});

export const updateImportRoute = defineRoute({
  method: "PATCH",
  path: "/imports/{id}",
  tag: "Imports",
  summary: "Change an import: the fields given replace the stored ones, and the result is checked again",
  params: idParams,
  body: importChange,
  response: importOut,
  handle: async ({ db, workspaceId, actor, params, body }) => {
    const current = importInputOf(await requireImport(db, { workspaceId, importId: params.id }));
    return { data: publicImport(await changeImport(db, { workspaceId, actor, importId: params.id, input: { ...current, ...body } })) };
  },
});

export const deleteImportRoute = defineRoute({
  method: "DELETE",
  path: "/imports/{id}",
  tag: "Imports",
  summary: "Delete an import with its runs and record log (the entity rows it wrote stay); 409 while it runs",
  params: idParams,
  response: z.object({ id: z.uuid(), deleted: z.boolean() }),
  handle: async ({ db, workspaceId, actor, params }) => {
    await removeImport(db, { workspaceId, actor, importId: params.id });
    return { data: { id: params.id, deleted: true } };
  },
});

export const startImportRunRoute = defineRoute({
  method: "POST",
  path: "/imports/{id}/runs",
  tag: "Imports",
  summary: "Start a run of the import now; answers 202 with the queued run",
  params: idParams,
  success: 202,
  response: z.object({ id: z.uuid(), status: z.string() }),
  handle: async ({ db, workspaceId, actor, params }) => {
    const run = await startImportRun(db, { workspaceId, actor, importId: params.id, trigger: "api" });
    return { data: { id: run.id, status: run.status } };
  },
});

export const listImportRunsRoute = defineRoute({
  method: "GET",
  path: "/imports/{id}/runs",
  tag: "Imports",
  summary: "The import's latest runs, newest first",
  params: idParams,
  response: z.array(importRunOut),
  handle: async ({ db, workspaceId, params }) => {
    await requireImport(db, { workspaceId, importId: params.id });
    return { data: (await importRunsOf(db, { workspaceId, importId: params.id })).map(publicRun) };
  },
});

export const getImportRunRoute = defineRoute({
  method: "GET",
  path: "/import-runs/{id}",
  tag: "Imports",
  summary: "An import run with its counts and per-step history",
  params: idParams,
  response: importRunOut,
  handle: async ({ db, workspaceId, params }) => {
    const { run, steps } = await importRunDetail(db, { workspaceId, runId: params.id });
    return { data: { ...publicRun(run), steps: steps.map((s) => ({ name: s.name, status: s.status, attempt: s.attempt, error: s.error, startedAt: s.startedAt, finishedAt: s.finishedAt })) } };
  },
});

export const cancelImportRunRoute = defineRoute({
  method: "POST",
  path: "/import-runs/{id}/cancel",
  tag: "Imports",
  summary: "Cancel a run: at once when queued, before its next page when running (409 when it has ended)",
  params: idParams,
  response: z.object({ id: z.uuid(), status: z.enum(["cancelled", "cancelling"]) }),
  handle: async ({ db, workspaceId, actor, params }) => ({ data: await cancelImportRun(db, { workspaceId, actor, runId: params.id }) }),
});

export const listImportRejectsRoute = defineRoute({
  method: "GET",
  path: "/import-runs/{id}/rejects",
  tag: "Imports",
  summary: "The run's record log: each rejected source row with its key and why (type mismatch, missing key, duplicate key; for files a malformed line with its number, a refused file, a file not moved to processed/)",
  params: idParams,
  query: z.object({ limit: pageQuery.shape.limit, cursor: z.string().regex(/^\d{1,18}$/, "Not a cursor of this list: pass the nextCursor of the previous page").optional() }),
  response: z.array(z.object({ key: z.string().nullable(), kind: z.enum(importRejectKinds), message: z.string(), createdAt: z.string() })),
  handle: async ({ db, workspaceId, params, query }) => {
    await importRunDetail(db, { workspaceId, runId: params.id });
    const { page, nextCursor } = await importRejectsPage(db, { workspaceId, runId: params.id, ...query });
    return { data: page.map((r) => ({ key: r.recordKey, kind: r.kind, message: r.message, createdAt: r.createdAt })), nextCursor };
  },
});

export const exportImportsRoute = defineRoute({
  method: "GET",
  path: "/imports/export",
  tag: "Imports",
  summary: "Every import of the workspace as one JSON document (sources by connection name, no secrets), for /imports/import",
  response: importsDocument,
  handle: async ({ db, workspaceId }) => ({ data: await exportImports(db, { workspaceId }) }),
});

export const importImportsRoute = defineRoute({
  method: "POST",
  path: "/imports/import",
  tag: "Imports",
  summary: "Create or update (by name) the imports of an exported document; all or nothing, every problem reported by path",
  body: importsDocument,
  response: z.object({ created: z.number(), updated: z.number() }),
  handle: async ({ db, workspaceId, actor, body }) => ({ data: await importImports(db, { workspaceId, actor, document: body }) }),
});
