import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, expect, it } from "vitest";
import { startHttpApiSandbox } from "@/connectors/http-api/sandbox";
import { createDb } from "@/lib/db/client";
import { createConnection } from "@/lib/connections/save";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import { createSync } from "@/lib/syncs/save";
import { syncRuns } from "@/lib/db/schema";
import { checkHealth } from "@/lib/health";
import { localSecret } from "@/lib/local-secret";
import { requestSyncRun } from "@/inngest/requests";
import { newWorkspace } from "@/test/db";
import { httpApiSettings } from "@/test/http-api";
import { killAll, startProcess, type TestProcess } from "@/test/processes";

const CONTACTS = 150;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "relay-supervised-"));
let app: TestProcess | undefined;
let handle: ReturnType<typeof createDb> | undefined;

afterAll(async () => {
  await handle?.close();
  if (app && app.child.exitCode === null) {
    app.child.kill("SIGTERM");
    await new Promise((r) => app!.child.once("exit", r));
  }
  killAll();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const postmasterPid = () => Number(fs.readFileSync(path.join(dataDir, "postgres", "postmaster.pid"), "utf8").split("\n")[0]);

it("the embedded PostgreSQL killed during a run is restarted, and the run finishes on its own with every record sent once", async () => {
  // The app's job runtime answers at the executor address this test process sends its events to.
  const executor = { INNGEST_SIGNING_KEY: process.env.INNGEST_SIGNING_KEY!, INNGEST_EVENT_KEY: process.env.INNGEST_EVENT_KEY!, INNGEST_BASE_URL: process.env.INNGEST_BASE_URL! };
  // Its own data folder, but this process's key: the connection this test saves must open there.
  app = await startProcess("test/supervised-app.ts", { ...executor, DATA_DIR: dataDir, DATABASE_URL: "", EXECUTOR_LOG: "1", APP_ENCRYPTION_KEY: localSecret("encryption.key") });
  const url = (await app.waitFor(/ready \S+/)).split(" ")[1]!;
  handle = createDb(url, { max: 2 });
  const { db } = handle;

  const sandbox = await startHttpApiSandbox();
  try {
    const workspaceId = await newWorkspace(db, { seed: { contacts: CONTACTS, products: 1, orders: 2, orderItems: 2 } });
    const dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
    // 20 requests a second: the run takes several seconds, long enough to lose its database in the middle.
    const connection = await createConnection(db, { workspaceId, connector: "http-api", name: "CRM", settings: httpApiSettings(sandbox), secrets: { token: sandbox.token }, rateLimit: { windowSeconds: 1, maxRequests: 20 } });
    const sync = await createSync(db, { workspaceId, input: { name: "Contacts to CRM", datasetId: dataset.id, connectionId: connection.id, object: "contacts", mapping: [{ from: { field: "email" }, to: "email" }], matchKey: { from: "id", to: "contact_id" } } });
    const run = await requestSyncRun(db, { workspaceId, syncId: sync.id, trigger: "manual", mode: "incremental" });
    for (let waited = 0; sandbox.contacts.size < 30; waited += 20) {
      if (waited > 60_000) throw new Error(`The run delivered nothing: ${JSON.stringify(await db.query.syncRuns.findFirst({ where: eq(syncRuns.id, run.id) }))}`);
      await new Promise((r) => setTimeout(r, 20));
    }

    process.kill(postmasterPid(), "SIGKILL");
    // The server's backends notice their postmaster's death a moment later: until then a pooled connection still answers.
    let during = await checkHealth({ db, executorUrl: executor.INNGEST_BASE_URL, log: () => {} });
    for (let i = 0; i < 50 && during.status === "ok"; i++) {
      await new Promise((r) => setTimeout(r, 20));
      during = await checkHealth({ db, executorUrl: executor.INNGEST_BASE_URL, log: () => {} });
    }
    expect(during).toMatchObject({ status: "unavailable", database: { status: "unavailable" } });

    await app.waitFor("The embedded PostgreSQL is running again", 60_000);
    let ended;
    for (let i = 0; i < 1_200 && !ended; i++) {
      const row = await db.query.syncRuns.findFirst({ where: eq(syncRuns.id, run.id) }).catch(() => undefined);
      if (row && !["queued", "running"].includes(row.status)) ended = row;
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect(ended).toMatchObject({ status: "succeeded", created: CONTACTS, failed: 0 });
    const keys = [...sandbox.contacts.values()].map((c) => c.contact_id);
    expect(keys).toHaveLength(CONTACTS);
    expect(new Set(keys).size).toBe(CONTACTS);
    expect(await checkHealth({ db, executorUrl: executor.INNGEST_BASE_URL })).toEqual({ status: "ok", database: { status: "ok" }, executor: { status: "ok" } });

    const output = app.output();
    expect(output).toContain("[relay] The embedded PostgreSQL stopped unexpectedly: restarting it");
    // The executor says once that its queue is gone and once that it is back, not every time it polls.
    expect(output.match(/Queue unavailable/g)).toHaveLength(1);
    expect(output).toMatch(/Queue available again after [\d.]+ s/);
  } finally {
    console.log(app.output());
    await sandbox.close();
  }
}, 180_000);
