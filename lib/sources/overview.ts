import "server-only";
import type { Db } from "@/lib/db/client";
import { listConnections } from "@/lib/db/queries/connections";
import { listChannels } from "@/lib/db/queries/notifications";
import type { ImportRun } from "@/lib/db/schema";
import { describeSchedule, scheduleSchema } from "@/lib/sync/schedule";
import { isActiveRunStatus, isOneOf, type ShownRunStatus } from "@/lib/vocabulary";
import { importOf, importsOf, sourcesOf } from "./manage";
import { importRejectsOf, importRunDetail, importRunsOf } from "./runs";
import { importReadSchema, sourceConnectors } from "./schema";

const iso = (d: Date | null) => d?.toISOString() ?? null;

/**
 * A run as the pages show it: counts, timings as ISO text (what the browser polls stays plain JSON), and the status
 * users read: a run someone asked to stop is "cancelling" until it ends its page.
 */
export const runSummary = (r: ImportRun) => ({
  id: r.id,
  importId: r.importId,
  status: (r.cancelRequestedAt && isActiveRunStatus(r.status) ? "cancelling" : r.status) as ShownRunStatus,
  trigger: r.trigger,
  read: r.read,
  created: r.created,
  updated: r.updated,
  unchanged: r.unchanged,
  deleted: r.deleted,
  rejected: r.rejected,
  pages: r.pages,
  error: r.error,
  queuedAt: r.queuedAt.toISOString(),
  startedAt: iso(r.startedAt),
  finishedAt: iso(r.finishedAt),
});
export type ImportRunSummary = ReturnType<typeof runSummary>;

/** What an import reads, in a few words: the table, "SQL query", or the folder and file name pattern. */
export function describeRead(read: unknown) {
  const parsed = importReadSchema.safeParse(read);
  if (!parsed.success) return "?";
  if (parsed.data.type === "files") return `${parsed.data.folder.replace(/\/$/, "")}/${parsed.data.pattern}`;
  return parsed.data.type === "query" ? "SQL query" : [parsed.data.schema, parsed.data.table].filter(Boolean).join(".");
}

/** Every import of the workspace with its source's name, what it reads, its schedule and its latest run. */
export async function importsOverview(db: Db, p: { workspaceId: string }) {
  const [list, sources] = await Promise.all([importsOf(db, p), sourcesOf(db, p)]);
  const latest = await Promise.all(list.map((i) => importRunsOf(db, { workspaceId: p.workspaceId, importId: i.id, limit: 1 })));
  return list.map((i, n) => {
    const schedule = scheduleSchema.safeParse(i.schedule);
    const run = latest[n]![0];
    return {
      id: i.id,
      name: i.name,
      enabled: i.enabled,
      entity: i.entity,
      sourceName: sources.find((s) => s.id === i.sourceId)?.name ?? "?",
      reads: describeRead(i.read),
      schedule: schedule.success ? describeSchedule(schedule.data) : "manual only",
      lastRun: run ? runSummary(run) : null,
    };
  });
}

export type ImportOverview = Awaited<ReturnType<typeof importsOverview>>[number];

/** The workspace's PostgreSQL and MySQL connections, each with its source when an admin marked it usable as one. */
export async function sourceCandidates(db: Db, p: { workspaceId: string }) {
  const [connections, sources] = await Promise.all([listConnections(db, p), sourcesOf(db, p)]);
  return connections
    .filter((c) => isOneOf(sourceConnectors, c.connector))
    .map((c) => ({ connectionId: c.id, name: c.name, connector: c.connector, sourceId: sources.find((s) => s.connectionId === c.id)?.id ?? null }));
}

/** One run of an import as its page shows it: the run, its import's name and the history of its steps. */
export async function importRunView(db: Db, p: { workspaceId: string; runId: string }) {
  const { run, steps } = await importRunDetail(db, p);
  const found = await importOf(db, { workspaceId: p.workspaceId, importId: run.importId });
  return {
    run: runSummary(run),
    importName: found.name,
    steps: steps.map((s) => ({ id: s.id, name: s.name, status: s.status, attempt: s.attempt, error: s.error, startedAt: s.startedAt.toISOString(), finishedAt: iso(s.finishedAt) })),
  };
}
export type ImportRunView = Awaited<ReturnType<typeof importRunView>>;

/** A page of a run's rejected rows, as the record log shows them. */
export async function rejectedRows(db: Db, p: { workspaceId: string; runId: string; cursor?: string }) {
  const page = await importRejectsOf(db, { ...p, limit: 50 });
  return { rows: page.page.map((r) => ({ id: r.id, key: r.recordKey, kind: r.kind, message: r.message })), nextCursor: page.nextCursor };
}

/** What the import form picks from: the sources and the notification channels. */
export async function importFormOptions(db: Db, p: { workspaceId: string }) {
  const [sources, channels] = await Promise.all([sourcesOf(db, p), listChannels(db, p)]);
  return {
    sources: sources.map((s) => ({ id: s.id, connectionId: s.connectionId, name: s.name, connector: s.connector })),
    channels: channels.map((c) => ({ id: c.id, name: c.name, kind: c.kind })),
  };
}

/** An import's latest runs, newest first, as its page lists them. */
export const importRuns = async (db: Db, p: { workspaceId: string; importId: string }) => (await importRunsOf(db, { ...p, limit: 30 })).map(runSummary);
