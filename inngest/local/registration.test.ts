import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createConnection } from "@/lib/connections/save";
import { insertDataset } from "@/lib/db/queries/datasets";
import { createSync } from "@/lib/syncs/save";
import { datasetDefinitionSchema } from "@/lib/datasets/definition";
import { startAppRuntime } from "@/test/app-runtime";
import { connectTestDb, newWorkspace } from "@/test/db";
import { postgresDestination } from "@/test/destinations";
import { type Harness, startHarness } from "@/test/inngest-harness";
import { inngestFunctions } from "./schema";
import { hashedSigningKey } from "./signing";

const { db } = connectTestDb();
const stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

/** `curl -X PUT -H 'Host: …' <url>`: fetch would not let a test forge the Host header. */
const forgedPut = (url: string, host: string) =>
  new Promise<number>((resolve, reject) => {
    const request = http.request(url, { method: "PUT", headers: { host } }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode!));
    });
    request.on("error", reject).end();
  });

async function harness(...args: Parameters<typeof startHarness> extends [unknown, ...infer R] ? R : never): Promise<Harness> {
  const h = await startHarness(db, ...args);
  stops.push(h.stop);
  return h;
}

describe("job registration cannot be hijacked", () => {
  it("a PUT with a forged Host header leaves every function at the app's own URL, and a sync still runs to the end", async () => {
    const runtime = await startAppRuntime(db);
    stops.push(runtime.stop);
    const dest = await postgresDestination();
    stops.push(dest.close);
    await dest.query("CREATE TABLE leads (lead_id text PRIMARY KEY, email text)");
    const workspaceId = await newWorkspace(db, { seed: { contacts: 20, products: 1, orders: 1, orderItems: 1 } });
    const dataset = await insertDataset(db, { workspaceId, name: `Leads ${Date.now()}`, definition: datasetDefinitionSchema.parse({ baseEntity: "contacts", fields: ["id", "email"] }) });
    const connection = await createConnection(db, { workspaceId, connector: "postgres", name: "Leads DB", settings: dest.settings, secrets: dest.secrets });
    const sync = await createSync(db, {
      workspaceId,
      input: { name: "Leads", datasetId: dataset.id, connectionId: connection.id, object: "leads", mapping: [{ from: { field: "email" }, to: "email" }], matchKey: { from: "id", to: "lead_id" }, schedule: { type: "manual" } },
    });

    await forgedPut(runtime.appUrl, "evil.example:3399");
    const registered = await db.select().from(inngestFunctions);
    expect(registered.filter((f) => f.appId === "relay").map((f) => new URL(f.url).origin)).not.toContain("http://evil.example:3399");

    const { requestSyncRun } = await import("@/inngest/requests");
    const run = await runtime.runEnded((await requestSyncRun(db, { workspaceId, syncId: sync.id, trigger: "manual", mode: "incremental" })).id, 30_000);
    expect(run.status).toBe("succeeded");
    expect(await dest.query("SELECT count(*)::int AS n FROM leads")).toEqual([{ n: 20 }]);
  });

  it("the executor refuses a registration that names any URL but the app it serves", async () => {
    const h = await harness((inngest) => [inngest.createFunction({ id: "mine", triggers: [{ event: "test/mine" }] }, async () => "mine")]);
    const config = { id: h.fnId("mine"), name: "mine", triggers: [{ event: "test/mine" }], steps: { step: { id: "step", name: "step", runtime: { type: "http", url: `http://evil.example:3399/api/inngest?fnId=${h.fnId("mine")}&stepId=step` } } } };
    const response = await fetch(`${h.executor.url}/fn/register`, {
      method: "POST",
      headers: { authorization: `Bearer ${hashedSigningKey(h.keys.signingKey)}`, "content-type": "application/json" },
      body: JSON.stringify({ url: "http://evil.example:3399/api/inngest", appName: h.client.id, functions: [config] }),
    });
    expect(response.status).toBe(403);
    expect((await response.json()).error).toMatch(/only registrations for http:\/\/127\.0\.0\.1:\d+\/api\/inngest/);
    await h.executor.send({ name: "test/mine", data: {} });
    const [run] = await h.settled("mine");
    expect(run).toMatchObject({ status: "completed", output: "mine" });
  });

  it("an answer that is not a signed SDK response (a plain 200) is a failed attempt, never a completed run", async () => {
    const h = await harness((inngest) => [inngest.createFunction({ id: "answered", retries: 1, triggers: [{ event: "test/answered" }] }, async () => "real")]);
    h.serve({ POST: async () => new Response("ok", { status: 200 }) });
    await h.executor.send({ name: "test/answered", data: {} });
    const [run] = await h.settled("answered");
    expect(run!.status).toBe("failed");
    expect(run!.output).toBeNull();
    expect(run!.attempts.map((a) => [a.attempt, a.outcome])).toEqual([
      [0, "error"],
      [1, "failed"],
    ]);
    expect(run!.error?.message).toBe("The app answered 200 without a valid Inngest signature: ok");
  });
});
