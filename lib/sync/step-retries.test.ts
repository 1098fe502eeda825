/**
 * A step's HTTP calls have their own technical retries; a call that exhausted them fails the run instead of
 * the whole step being retried, which would send every request of it again, several times over.
 */
import { describe, expect, it } from "vitest";
import { startBrevoSandbox } from "@/connectors/brevo/sandbox";
import { createConnection } from "@/lib/connections/save";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import { createSync } from "@/lib/syncs/save";
import { env } from "@/lib/env";
import { connectTestDb, newWorkspace } from "@/test/db";
import { syncTestRuntime } from "@/test/sync-runtime";

const { db } = connectTestDb();
const runtime = syncTestRuntime(db);

describe("retries do not multiply", () => {
  it("an Open delivery whose call keeps answering 503 sends it once plus its technical retries, then the run fails", async () => {
    const sandbox = runtime.closeAfter(await startBrevoSandbox({ timeScale: 0.01 }));
    const workspaceId = await newWorkspace(db, { seed: { contacts: 5, products: 1, orders: 2, orderItems: 2 } });
    const dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
    const connection = await createConnection(db, { workspaceId, connector: "brevo", name: "Brevo", settings: { apiBaseUrl: sandbox.url, listIds: [2] }, secrets: { apiKey: sandbox.apiKey } });
    const sync = await createSync(db, {
      workspaceId,
      input: { name: "Contacts", datasetId: dataset.id, connectionId: connection.id, object: "contacts", mapping: [{ from: { field: "first_name" }, to: "FIRSTNAME" }], matchKey: { from: "id", to: "ext_id" } },
    });
    sandbox.configure({ unavailable: ["GET /contacts/attributes"] });
    const calls = () => sandbox.log.filter((l) => l.method === "GET" && l.path === "/contacts/attributes").length;
    const before = calls();

    const run = await runtime.run({ workspaceId, syncId: sync.id }, 60_000);

    expect(run).toMatchObject({ status: "failed", created: 0, error: expect.stringContaining(`answered 503 (after ${1 + env.SYNC_RETRY_DELAYS_MS.length} attempts)`) });
    expect(calls() - before).toBe(1 + env.SYNC_RETRY_DELAYS_MS.length);
    expect(sandbox.contacts.size).toBe(0);
  });
});
