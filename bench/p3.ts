/**
 * P3: how much of a connection's rate budget syncs use, and how many requests ever exceed it — one sync
 * alone, then two syncs sharing the connection. The HTTP API sandbox counts every request it receives.
 */
import { startHttpApiSandbox } from "@/connectors/http-api/sandbox";
import { createConnection } from "@/lib/db/queries/connections";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import { createSync } from "@/lib/db/queries/syncs";
import { createWorkspace } from "@/lib/db/queries/workspaces";
import { createDb } from "@/lib/db/client";
import { seedDemo } from "@/lib/demo/seed";
import { startAppRuntime } from "@/lib/testing/app-runtime";
import { httpApiSettings } from "@/lib/testing/http-api";
import type { BenchLine } from "./shared";

const BUDGET = { windowSeconds: 2, maxRequests: 40 };

/** Requests that were more than the budget allows in the window that ends with them. */
function overLimit(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let over = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= BUDGET.windowSeconds * 1000) j++;
    if (i - j + 1 > BUDGET.maxRequests) over++;
  }
  return over;
}

export async function benchP3(databaseUrl: string, contacts: number): Promise<BenchLine[]> {
  const { db, close } = createDb(databaseUrl, { max: 10 });
  const runtime = await startAppRuntime(db, { timeScale: 1 });
  const { requestSyncRun } = await import("@/inngest/requests");
  const lines: BenchLine[] = [];
  try {
    for (const syncCount of [1, 2]) {
      const sandbox = await startHttpApiSandbox();
      const workspace = await createWorkspace(db, { name: `P3 ${syncCount}`, slug: `p3-${syncCount}-${Date.now()}` });
      await seedDemo(db, workspace.id, { contacts, products: 1, orders: 1, orderItems: 1 });
      const dataset = (await getDatasetByName(db, { workspaceId: workspace.id, name: "Contacts" }))!;
      const connection = await createConnection(db, { workspaceId: workspace.id, connector: "http-api", name: "API", settings: httpApiSettings(sandbox), secrets: { token: sandbox.token }, rateLimit: BUDGET });
      const syncs = await Promise.all(
        Array.from({ length: syncCount }, async (_, i) => {
          const ids = Array.from({ length: contacts / syncCount }, (_, n) => `c_${String(i * (contacts / syncCount) + n + 1).padStart(5, "0")}`);
          return createSync(db, {
            workspaceId: workspace.id,
            input: {
              name: `P3 ${i}`,
              datasetId: dataset.id,
              connectionId: connection.id,
              object: "contacts",
              filter: { type: "group", combinator: "and", children: [{ type: "condition", column: "id", operator: "is_one_of", value: ids }] },
              mapping: [{ from: { field: "email" }, to: "email", transforms: [{ type: "trim" }, { type: "lowercase" }] }],
              matchKey: { from: "id", to: "contact_id" },
            },
          });
        }),
      );
      const started = Date.now();
      await Promise.all(syncs.map(async (s) => runtime.runEnded((await requestSyncRun(db, { workspaceId: workspace.id, syncId: s.id, trigger: "manual", mode: "incremental" })).id, 600_000)));
      const times = sandbox.log.map((l) => l.at);
      const seconds = (Math.max(...times) - Math.min(...times)) / 1000;
      // The most a sliding window allows over that span: a full budget in every window it touches.
      const allowed = Math.ceil(seconds / BUDGET.windowSeconds + 1e-9) * BUDGET.maxRequests;
      lines.push({
        id: "P3",
        line: `P3 ${syncCount === 1 ? "one sync" : "two syncs sharing a connection"}, budget ${BUDGET.maxRequests} requests / ${BUDGET.windowSeconds} s: ${times.length} requests in ${seconds.toFixed(1)} s, budget utilisation ${((times.length / allowed) * 100).toFixed(0)}%, requests over the limit ${overLimit(times)} (wall ${((Date.now() - started) / 1000).toFixed(1)} s)`,
      });
      await sandbox.close();
    }
    return lines;
  } finally {
    await runtime.stop();
    await close();
  }
}
