/** Salesforce's daily API quota and its logins, through the real engine (plan → deliver → finalize on the local executor). */
import { describe, expect, it } from "vitest";
import { rsa, salesforceTestbed, writes } from "./sync-testbed";

const { setup } = salesforceTestbed();

describe("Salesforce's limits", () => {
  it("slows down near the daily quota (Sforce-Limit-Info) and still delivers every record", async () => {
    const t = await setup({ contacts: 450 });
    t.sandbox.configure({ apiUsage: { used: 14_990, max: 15_000 } });
    const run = await t.run();
    expect(run).toMatchObject({ status: "succeeded", created: 450 });
    const calls = run.requests.filter((r) => r.area === "data");
    expect(calls.map((r) => r.status)).toEqual([304, 200, 200, 200]);
    // At 99.9% of the quota each answer is followed by a ~29.8 s pause, a hundredth of it in tests.
    calls.slice(1).forEach((c, i) => expect(c.at - calls[i]!.answeredAt).toBeGreaterThanOrEqual(290));
    expect(t.sandbox.usage()).toEqual({ used: 14_994, max: 15_000 });
    expect(new Set(t.held().map((r) => r.Relay_Id__c)).size).toBe(450);
  });

  it("stops the run at REQUEST_LIMIT_EXCEEDED with a clear message, without retrying, and the next run sends the rest", async () => {
    const t = await setup({ contacts: 450 });
    t.sandbox.configure({ apiUsage: { used: 14_998, max: 15_000 } });
    const stopped = await t.run();
    expect(stopped).toMatchObject({ status: "failed", created: 200, error: expect.stringMatching(/^Salesforce's daily API request limit for this org is used up \(TotalRequests Limit exceeded\.\): the run stopped/) });
    expect(stopped.requests.filter((r) => r.status === 403)).toHaveLength(1);
    expect(t.held()).toHaveLength(200);

    t.sandbox.configure({ apiUsage: { used: 0, max: 15_000 } });
    expect(await t.run()).toMatchObject({ status: "succeeded", created: 250 });
    expect(new Set(t.held().map((r) => r.Relay_Id__c)).size).toBe(450);
    expect(t.held()).toHaveLength(450);
  });

  it("keeps what a batch wrote when the quota runs out between its calls, and the next run finishes the rest", async () => {
    const t = await setup({ object: "Lead" });
    const existing = t.sandbox.insert("Lead", { LastName: "Earlier", Company: "Someone's import", Relay_Key__c: "c_00004" });
    // The describe and the create go through; the update that settles the duplicate finds the quota spent.
    t.sandbox.configure({ apiUsage: { used: 14_998, max: 15_000 } });
    const stopped = await t.run();
    expect(stopped).toMatchObject({ status: "failed", created: 5, updated: 0, failed: 1, error: expect.stringMatching(/^Salesforce's daily API request limit/) });
    expect(writes(stopped.requests)).toEqual(["POST /composite/sobjects 200", "PATCH /composite/sobjects 403"]);
    expect(await t.itemOf(stopped.id, "c_00004")).toMatchObject({ status: "failed", errorKind: "technical" });

    t.sandbox.configure({ apiUsage: { used: 0, max: 15_000 } });
    expect(await t.run()).toMatchObject({ status: "succeeded", planned: 1, created: 1, updated: 0 });
    expect(t.held()).toHaveLength(6);
    expect(t.byKey("c_00004")).toMatchObject([{ Id: existing, Company: "Relay demo" }]);
  });
});

describe("Salesforce's authentication", () => {
  it("logs in at My Domain (the login URL) and sends every API call to the instance_url it names; after a 401 it logs in again at the login URL", async () => {
    const t = await setup();
    expect(t.sandbox.instanceUrl).not.toBe(t.sandbox.url);
    const first = await t.run();
    expect(first).toMatchObject({ status: "succeeded", created: 6 });
    // Since the connection was made (fields read for the sync, then the run): one login, every other call at the instance.
    const where = (requests: { host: string; area: string; status: number }[]) => requests.map((r) => `${r.host} ${r.area} ${r.status}`);
    const [login, ...calls] = where(t.sandbox.log);
    expect(login).toBe("login token 200");
    expect(calls.length).toBeGreaterThan(2);
    expect(new Set(calls.map((c) => c.replace(/ \d+$/, "")))).toEqual(new Set(["instance data"]));
    expect(where(first.requests)).toEqual(["instance data 304", "instance data 200"]);
    expect(writes(first.requests)).toEqual(["PATCH /composite/sobjects/Contact/Relay_Id__c 200"]);

    t.sandbox.expireSessions();
    await t.change("c_00001", "Changed");
    const renewed = await t.run();
    expect(renewed).toMatchObject({ status: "succeeded", updated: 1 });
    expect(where(renewed.requests)).toEqual(["instance data 401", "login token 200", "instance data 304", "instance data 200"]);
    expect(writes(renewed.requests)).toEqual(["PATCH /composite/sobjects/Contact/Relay_Id__c 200"]);
  });

  it("logs in with a JWT signed by the app's private key, and fails at once when the certificate no longer matches", async () => {
    const t = await setup({ auth: "jwt_bearer" });
    expect(await t.run()).toMatchObject({ status: "succeeded", created: 6 });
    t.sandbox.configure({ publicKey: rsa().publicKey });
    t.sandbox.expireSessions();
    await t.change("c_00001", "Changed");
    const run = await t.run();
    expect(run).toMatchObject({
      status: "failed",
      error: "Salesforce refused the login (invalid_grant: invalid assertion): Salesforce could not verify the signed JWT: the private key does not match the certificate on the connected app",
    });
    expect(run.requests.map((r) => `${r.area} ${r.status}`)).toEqual(["data 401", "token 400"]);
  });

  it("fails at once, without retries, when the client secret was rotated", async () => {
    const t = await setup();
    t.sandbox.configure({ clientSecret: "rotated" });
    t.sandbox.expireSessions();
    const run = await t.run();
    expect(run).toMatchObject({ status: "failed", created: 0, error: expect.stringContaining("Salesforce refused the login (invalid_client: invalid client credentials)") });
    expect(run.requests.map((r) => `${r.area} ${r.status}`)).toEqual(["data 401", "token 400"]);
  });

  it("logs in again once when the session expired, and fails clearly when Salesforce refuses the new one too", async () => {
    const t = await setup();
    t.sandbox.expireSessions();
    const renewed = await t.run();
    expect(renewed).toMatchObject({ status: "succeeded", created: 6 });
    expect(renewed.requests.slice(0, 3).map((r) => `${r.area} ${r.status}`)).toEqual(["data 401", "token 200", "data 304"]);

    t.sandbox.configure({ refuseSessions: true });
    await t.change("c_00001", "Changed");
    const refused = await t.run();
    expect(refused).toMatchObject({ status: "failed", error: expect.stringMatching(/^Salesforce refused a new session too \(INVALID_SESSION_ID: Session expired or invalid\)/) });
    expect(refused.requests.map((r) => `${r.area} ${r.status}`)).toEqual(["data 401", "token 200", "data 401"]);
  });
});
