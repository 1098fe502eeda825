import { eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { notificationDeliveries } from "@/lib/db/schema";
import { createChannel } from "@/lib/notify/channel-store";
import { connectTestDb, newWorkspace } from "@/test/db";
import { createImport, peopleImport, peopleSource, startedRun } from "@/test/sources";
import { queueImportFailureNotices } from "./alerts";
import { endImportRun } from "./run-state";

const { db } = connectTestDb();

it("queues one failure notice per channel the import names, once however often the step runs", async () => {
  const workspaceId = await newWorkspace(db);
  const source = await peopleSource(db, workspaceId, "postgres", 2);
  try {
    const { channel: ops } = await createChannel(db, { workspaceId, input: { kind: "email", name: "Ops mail", recipients: ["ops@example.com"] } });
    await createChannel(db, { workspaceId, input: { kind: "email", name: "Not chosen", recipients: ["other@example.com"] } });
    const imp = await createImport(db, workspaceId, peopleImport(source.sourceId, { name: "CRM people", alerts: { channelIds: [ops.id] } }));
    const runId = await startedRun(db, workspaceId, imp.id);
    await endImportRun(db, runId, { status: "failed", error: "The source refused the read: permission denied for table people" });

    const queued = await queueImportFailureNotices(db, runId);
    expect(await queueImportFailureNotices(db, runId)).toEqual([]);
    const deliveries = await db.query.notificationDeliveries.findMany({ where: eq(notificationDeliveries.runId, runId) });
    expect(deliveries.map((d) => [d.id, d.channelId, d.status])).toEqual([[queued[0], ops.id, "pending"]]);
    // The notice links to the run's page, where the record log and the steps say what went wrong.
    expect((deliveries[0]!.notice as { url: string }).url).toMatch(new RegExp(`/sources/${imp.id}/runs/${runId}$`));
    expect(deliveries[0]!.subject).toBe("[Relay] “Import CRM people” failed: The source refused the read: permission denied for table people");
  } finally {
    await source.close();
  }
});
