import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { importRejects, importRuns, imports, notificationChannels, notificationDeliveries, workspaces } from "@/lib/db/schema";
import { appUrl } from "@/lib/env";
import { type Notice, subjectOf } from "@/lib/notify/message";
import { importAlertsSchema } from "./schema";

/**
 * A run that failed for good: one notice per channel the import names, through the channels syncs use (email,
 * Slack, signed webhook). Every failed run alerts (imports keep no rule state). Returns the deliveries to send;
 * a replay of the step queues none twice.
 */
export async function queueImportFailureNotices(db: Db, runId: string): Promise<string[]> {
  const run = await db.query.importRuns.findFirst({ where: eq(importRuns.id, runId) });
  const found = run && (await db.query.imports.findFirst({ where: eq(imports.id, run.importId) }));
  if (!run || !found) return [];
  const { channelIds } = importAlertsSchema.parse(found.alerts ?? {});
  const channels = channelIds.length ? await db.query.notificationChannels.findMany({ where: and(eq(notificationChannels.workspaceId, run.workspaceId), inArray(notificationChannels.id, channelIds)), columns: { id: true } }) : [];
  if (!channels.length) return [];
  const queued = await db.query.notificationDeliveries.findMany({ where: eq(notificationDeliveries.runId, run.id), columns: { id: true } });
  if (queued.length) return [];
  const workspace = await db.query.workspaces.findFirst({ where: eq(workspaces.id, run.workspaceId), columns: { name: true } });
  const example = await db.query.importRejects.findFirst({ where: eq(importRejects.runId, run.id) });
  const notice: Notice = {
    event: "alert",
    rule: "failure",
    workspace: workspace?.name ?? "",
    sync: { id: found.id, name: `Import ${found.name}` },
    run: { id: run.id, status: run.status, mode: "import", planned: run.read, created: run.created, updated: run.updated, deleted: run.deleted, failed: run.rejected, error: run.error, finishedAt: run.finishedAt?.toISOString() ?? null },
    topErrors: example ? [{ kind: example.kind, count: run.rejected, example: { key: example.recordKey ?? "", message: example.message, responseStatus: null, responseBody: null } }] : [],
    url: `${appUrl()}/sources/${found.id}/runs/${run.id}`,
    at: new Date().toISOString(),
  };
  const rows = await db
    .insert(notificationDeliveries)
    .values(channels.map((c) => ({ workspaceId: run.workspaceId, channelId: c.id, runId: run.id, event: "alert" as const, rule: "failure" as const, subject: subjectOf(notice), notice })))
    .returning({ id: notificationDeliveries.id });
  return rows.map((r) => r.id);
}
