import { describe, expect, it } from "vitest";
import { startHttpApiSandbox } from "@/connectors/http-api/sandbox";
import { createConnection } from "@/lib/connections/save";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import { createSync } from "@/lib/syncs/save";
import { connectTestDb, newWorkspace } from "@/test/db";
import { httpApiSettings } from "@/test/http-api";
import { syncTestRuntime } from "@/test/sync-runtime";

const { db } = connectTestDb();
const runtime = syncTestRuntime(db);

describe("a replace run that fails partway", () => {
  it("leaves no record behind: the next run sends again every record the replace did not deliver", async () => {
    const sandbox = runtime.closeAfter(await startHttpApiSandbox());
    const workspaceId = await newWorkspace(db, { seed: { contacts: 150, products: 2, orders: 10, orderItems: 20 } });
    const dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
    const connection = await createConnection(db, { workspaceId, connector: "http-api", name: "API", settings: httpApiSettings(sandbox), secrets: { token: sandbox.token } });
    const sync = await createSync(db, {
      workspaceId,
      input: { name: "Contacts", datasetId: dataset.id, connectionId: connection.id, object: "contacts", mapping: [{ from: { field: "email" }, to: "email" }], matchKey: { from: "id", to: "contact_id" }, onLeave: "delete" },
    });
    expect(await runtime.run({ workspaceId, syncId: sync.id })).toMatchObject({ status: "succeeded", created: 150 });

    // The replace updates every record, 100 per batch; the token is revoked after the first batch.
    let writes = 0;
    sandbox.configure({ reject: () => (++writes === 100 && sandbox.configure({ token: "revoked" }), undefined) });
    const replace = await runtime.run({ workspaceId, syncId: sync.id, mode: "replace" });
    expect(replace).toMatchObject({ status: "failed", updated: 100, error: expect.stringContaining("The API refused the credentials") });

    sandbox.configure({ token: sandbox.token, reject: undefined });
    const next = await runtime.run({ workspaceId, syncId: sync.id });
    expect(next).toMatchObject({ status: "succeeded", planned: 50, updated: 50 });
    expect(await runtime.run({ workspaceId, syncId: sync.id })).toMatchObject({ status: "succeeded", planned: 0 });
  });
});
