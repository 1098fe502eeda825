import { asc, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { startHttpApiSandbox } from "@/connectors/http-api/sandbox";
import { createConnection } from "@/lib/connections/save";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import { createSync } from "@/lib/syncs/save";
import { syncRuns, syncRunSteps } from "@/lib/db/schema";
import { connectTestDb, newWorkspace } from "@/test/db";
import { killAll, killGroup, startProcess } from "@/test/processes";
import { httpApiSettings } from "@/test/http-api";

const { db } = connectTestDb();
afterAll(killAll);

const mapping = [
  { from: { field: "email" }, to: "email", transforms: [{ type: "trim" as const }, { type: "lowercase" as const }] },
  { from: { field: "first_name" }, to: "first_name" },
];

async function syncTo(
  sandbox: Awaited<ReturnType<typeof startHttpApiSandbox>>,
  p: { contacts: number; rateLimit?: { windowSeconds: number; maxRequests: number }; syncs: number; settings?: Record<string, unknown> },
) {
  const workspaceId = await newWorkspace(db, { seed: { contacts: p.contacts, products: 1, orders: 2, orderItems: 2 } });
  const dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
  const connection = await createConnection(db, { workspaceId, connector: "http-api", name: "CRM", settings: httpApiSettings(sandbox, p.settings), secrets: { token: sandbox.token }, rateLimit: p.rateLimit });
  const syncs = [];
  for (let i = 0; i < p.syncs; i++) {
    const ids = Array.from({ length: p.contacts / p.syncs }, (_, n) => `c_${String(i * (p.contacts / p.syncs) + n + 1).padStart(5, "0")}`);
    const half = { type: "group" as const, combinator: "and" as const, children: [{ type: "condition" as const, column: "id", operator: "is_one_of" as const, value: ids }] };
    syncs.push(
      await createSync(db, {
        workspaceId,
        input: { name: `Half ${i}`, datasetId: dataset.id, connectionId: connection.id, object: "contacts", mapping, matchKey: { from: "id", to: "contact_id" }, filter: p.syncs > 1 ? half : null },
      }),
    );
  }
  return { workspaceId, syncs };
}

describe("an HTTP API destination across processes", () => {
  it("two syncs in two processes share the connection's rate budget: never more than N requests in any window, both finish", async () => {
    const sandbox = await startHttpApiSandbox();
    try {
      const { workspaceId, syncs } = await syncTo(sandbox, { contacts: 40, rateLimit: { windowSeconds: 1, maxRequests: 8 }, syncs: 2 });
      const processes = await Promise.all(syncs.map((s) => startProcess("test/sync-process.ts", { RUN_SYNC_ID: s.id, RUN_WORKSPACE_ID: workspaceId })));
      await Promise.all(processes.map((p) => p.waitFor("finished succeeded", 60_000)));
      expect(sandbox.contacts.size).toBe(40);
      expect(sandbox.log.every((l) => l.status !== 429)).toBe(true);
      expect(sandbox.maxInWindow(1_000)).toBeLessThanOrEqual(8);
      const span = sandbox.log.at(-1)!.at - sandbox.log[0]!.at;
      expect(span).toBeGreaterThanOrEqual(3_000);
    } finally {
      await sandbox.close();
    }
  });

  it("a run killed in the middle of delivery resumes in a new process: every record is in the API once, counted as created, and the killed attempt shows as interrupted", async () => {
    const sandbox = await startHttpApiSandbox();
    try {
      // Without an idempotency key the replayed creates of the killed batch meet "duplicate" and become updates.
      const { workspaceId, syncs } = await syncTo(sandbox, { contacts: 300, rateLimit: { windowSeconds: 1, maxRequests: 100 }, syncs: 1, settings: { idempotencyHeader: undefined } });
      const first = await startProcess("test/sync-process.ts", { RUN_SYNC_ID: syncs[0]!.id, RUN_WORKSPACE_ID: workspaceId });
      const runId = (await first.waitFor(/started \S+/)).split(" ")[1]!;
      while (sandbox.contacts.size < 120) await new Promise((r) => setTimeout(r, 20));
      killGroup(first);
      const atKill = sandbox.contacts.size;
      expect(atKill).toBeLessThan(300);

      const second = await startProcess("test/sync-process.ts");
      await second.waitFor("ready");
      for (let i = 0; i < 600; i++) {
        const run = await db.query.syncRuns.findFirst({ where: eq(syncRuns.id, runId) });
        if (run && !["queued", "running"].includes(run.status)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(await db.query.syncRuns.findFirst({ where: eq(syncRuns.id, runId) })).toMatchObject({ status: "succeeded", created: 300, updated: 0, failed: 0 });
      const steps = await db.query.syncRunSteps.findMany({ where: eq(syncRunSteps.runId, runId), orderBy: asc(syncRunSteps.startedAt) });
      expect(steps.filter((s) => s.status === "running")).toEqual([]);
      const interrupted = steps.filter((s) => s.status === "interrupted");
      expect(interrupted).toHaveLength(1);
      expect(interrupted[0]!.name).toMatch(/^Deliver/);
      expect(steps.filter((s) => s.name === interrupted[0]!.name).map((s) => s.status)).toEqual(["interrupted", "succeeded"]);
      const keys = [...sandbox.contacts.values()].map((c) => c.contact_id);
      expect(keys).toHaveLength(300);
      expect(new Set(keys).size).toBe(300);
      killGroup(second);
    } finally {
      await sandbox.close();
    }
  });
});
