/**
 * P3: how much of a connection's rate budget syncs use, and how many requests ever exceed it — one sync
 * alone, then two syncs sharing the connection. The HTTP API sandbox counts every request it receives, on
 * its own clock; BENCH_P3_LATENCY_MS delays each request on its way there (a distant API), none by default.
 */
import { startHttpApiSandbox } from "@/connectors/http-api/sandbox";
import { createConnection } from "@/lib/connections/save";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import { createSync } from "@/lib/syncs/save";
import { createWorkspace } from "@/lib/db/queries/workspaces";
import { createDb } from "@/lib/db/client";
import { seedDemo } from "@/lib/demo/seed";
import { startAppRuntime } from "@/test/app-runtime";
import { httpApiSettings } from "@/test/http-api";
import { BenchFailure, rateBudgetLine } from "./report";
import type { BenchLine } from "./shared";

const BUDGET = { windowSeconds: 2, maxRequests: 40 };

export async function benchP3(databaseUrl: string, contacts: number, emit: (line: BenchLine) => void, latencyMs = 0) {
  const { db, close } = createDb(databaseUrl, { max: 10 });
  const runtime = await startAppRuntime(db, { timeScale: 1 });
  const { requestSyncRun } = await import("@/inngest/requests");
  try {
    for (const syncCount of [1, 2]) {
      const sandbox = await startHttpApiSandbox(latencyMs ? { latency: { minMs: latencyMs, maxMs: latencyMs } } : {});
      try {
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
        const runs = await Promise.all(syncs.map(async (s) => runtime.runEnded((await requestSyncRun(db, { workspaceId: workspace.id, syncId: s.id, trigger: "manual", mode: "incremental" })).id, 600_000)));
        const label = `${syncCount === 1 ? "one sync" : "two syncs sharing a connection"}${latencyMs ? `, ${latencyMs} ms to reach the API` : ""}`;
        const line = rateBudgetLine({ label, budget: BUDGET, receivedAt: sandbox.log.map((l) => l.at), runs, wallSeconds: (Date.now() - started) / 1000 });
        if (sandbox.contacts.size !== contacts) throw new BenchFailure(`P3 ${label}: the API holds ${sandbox.contacts.size} contacts instead of ${contacts}`);
        emit({ id: "P3", line });
      } finally {
        await sandbox.close();
      }
    }
  } finally {
    await runtime.stop();
    await close();
  }
}
