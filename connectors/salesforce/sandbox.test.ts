/** The sandbox against the vendor sheet's checklist: what Salesforce answers, whatever our client sends. */
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toId18 } from "./ids";
import { type SalesforceSandbox, startSalesforceSandbox } from "./sandbox";

let sandbox: SalesforceSandbox;
let token = "";
const keys = crypto.generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });

const form = (fields: Record<string, string>) =>
  fetch(`${sandbox.url}/services/oauth2/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields) });
async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${sandbox.instanceUrl}/services/data/v62.0${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as never) : undefined };
}
function jwt(claims: Record<string, unknown>, privateKey = keys.privateKey) {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const unsigned = `${part({ alg: "RS256" })}.${part(claims)}`;
  return `${unsigned}.${crypto.sign("sha256", Buffer.from(unsigned), privateKey).toString("base64url")}`;
}
const contact = (fields: Record<string, unknown>) => ({ attributes: { type: "Contact" }, ...fields });

beforeAll(async () => {
  sandbox = await startSalesforceSandbox({ publicKey: keys.publicKey });
  token = ((await (await form({ grant_type: "client_credentials", client_id: sandbox.clientId, client_secret: sandbox.clientSecret })).json()) as { access_token: string }).access_token;
});
afterAll(() => sandbox.close());

describe("the Salesforce sandbox", () => {
  it("logs in with client credentials and with a JWT verified against the app's certificate, answering like Salesforce", async () => {
    const ok = await form({ grant_type: "client_credentials", client_id: sandbox.clientId, client_secret: sandbox.clientSecret });
    const body = (await ok.json()) as Record<string, string>;
    expect(body).toMatchObject({ token_type: "Bearer", instance_url: sandbox.instanceUrl, id: expect.stringMatching(/^https:\/\/login\.salesforce\.com\/id\/00D\w+\/005\w+$/), issued_at: expect.stringMatching(/^\d{13}$/) });
    expect(body).not.toHaveProperty("expires_in");
    expect(body).not.toHaveProperty("refresh_token");
    expect(await (await form({ grant_type: "client_credentials", client_id: sandbox.clientId, client_secret: "nope" })).json()).toEqual({ error: "invalid_client", error_description: "invalid client credentials" });

    const exp = Math.floor(Date.now() / 1000) + 180;
    const claims = { iss: sandbox.clientId, sub: sandbox.username, aud: "https://login.salesforce.com", exp };
    const grant = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    expect((await form({ grant_type: grant, assertion: jwt(claims) })).status).toBe(200);
    const other = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    const refused = await form({ grant_type: grant, assertion: jwt(claims, other as unknown as string) });
    expect([refused.status, await refused.json()]).toEqual([400, { error: "invalid_grant", error_description: "invalid assertion" }]);
    expect(await (await form({ grant_type: grant, assertion: jwt({ ...claims, aud: "https://example.com" }) })).json()).toMatchObject({ error_description: "audience is invalid" });
    expect(await (await form({ grant_type: grant, assertion: jwt({ ...claims, sub: "someone@else.example" }) })).json()).toMatchObject({ error_description: "user hasn't approved this consumer" });
    expect(await (await form({ grant_type: grant, assertion: jwt({ ...claims, exp: exp - 600 }) })).json()).toMatchObject({ error: "invalid_grant" });
  });

  it("logs in at the login host only, and serves the REST API only at the instance its login answer names", async () => {
    expect(new URL(sandbox.instanceUrl).port).not.toBe(new URL(sandbox.url).port);
    const from = sandbox.log.length;
    const onLogin = await fetch(`${sandbox.url}/services/data/v62.0/sobjects`, { headers: { authorization: `Bearer ${token}` } });
    expect([onLogin.status, await onLogin.json()]).toEqual([404, [{ errorCode: "NOT_FOUND", message: "The requested resource does not exist" }]]);
    const onInstance = await fetch(`${sandbox.instanceUrl}/services/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: sandbox.clientId, client_secret: sandbox.clientSecret }),
    });
    expect(onInstance.status).toBe(404);
    expect((await call("GET", "/sobjects")).status).toBe(200);
    expect(sandbox.log.slice(from).map((r) => `${r.host} ${r.area} ${r.status}`)).toEqual(["login data 404", "instance token 404", "instance data 200"]);
  });

  it("refuses an unknown session with the top-level errorCode shape, and counts every data call in Sforce-Limit-Info", async () => {
    const before = sandbox.usage().used;
    const refused = await fetch(`${sandbox.instanceUrl}/services/data/v62.0/sobjects`, { headers: { authorization: "Bearer expired" } });
    expect([refused.status, await refused.json()]).toEqual([401, [{ message: "Session expired or invalid", errorCode: "INVALID_SESSION_ID" }]]);
    const a = await call("GET", "/limits");
    const b = await call("GET", "/sobjects");
    expect(a.headers.get("sforce-limit-info")).toBe(`api-usage=${before + 1}/15000`);
    expect(b.headers.get("sforce-limit-info")).toBe(`api-usage=${before + 2}/15000`);
    expect((await fetch(`${sandbox.instanceUrl}/services/data/`)).headers.get("sforce-limit-info")).toBeNull();
  });

  it("describes fields with their flags and lowercase types, and answers 304 when nothing changed", async () => {
    const d = await call("GET", "/sobjects/Contact/describe");
    const fields = (d.json as unknown as { fields: Record<string, unknown>[] }).fields;
    expect(fields.find((f) => f.name === "Relay_Id__c")).toMatchObject({ type: "string", externalId: true, unique: true, createable: true });
    expect(fields.find((f) => f.name === "LastName")).toMatchObject({ nillable: false, defaultedOnCreate: false, createable: true });
    expect(fields.find((f) => f.name === "OwnerId")).toMatchObject({ type: "reference", nillable: false, defaultedOnCreate: true });
    expect((await call("GET", "/sobjects/Contact/describe", undefined, { "if-modified-since": new Date(Date.now() + 1000).toUTCString() })).status).toBe(304);
    expect((await call("GET", "/sobjects/Nothing__c/describe")).json).toEqual([{ errorCode: "NOT_FOUND", message: "The requested resource does not exist" }]);
  });

  it("answers collections with 200 and one result per record in input order, even when every record fails", async () => {
    const created = await call("POST", "/composite/sobjects", { allOrNone: false, records: [contact({ LastName: "Ada", Relay_Id__c: "k1" }), contact({ FirstName: "No last name" }), contact({ LastName: "Bob", Email: "not an email" })] });
    expect(created.status).toBe(200);
    const [ok, missing, email] = created.json as unknown as { id?: string; success: boolean; errors: unknown[] }[];
    expect(ok).toEqual({ id: expect.stringMatching(/^003\w{15}$/), success: true, errors: [] });
    expect(toId18(ok!.id!)).toBe(ok!.id);
    expect(missing).toEqual({ success: false, errors: [{ statusCode: "REQUIRED_FIELD_MISSING", message: "Required fields are missing: [LastName]", fields: ["LastName"] }] });
    expect(email).toMatchObject({ success: false, errors: [{ statusCode: "INVALID_EMAIL_ADDRESS" }] });

    const dup = await call("POST", "/composite/sobjects", { records: [contact({ LastName: "Copy", Relay_Id__c: "K1" })] });
    expect(dup.json).toEqual([{ success: false, errors: [{ statusCode: "DUPLICATE_VALUE", message: `duplicate value found: Relay_Id__c duplicates value on record with id: ${ok!.id!.slice(0, 15)}`, fields: [] }] }]);
    const tooMany = await call("POST", "/composite/sobjects", { records: Array.from({ length: 201 }, (_, i) => contact({ LastName: `n${i}` })) });
    expect([tooMany.status, tooMany.json]).toEqual([400, [{ message: "record limit reached. cannot submit more than 200 records into this call", errorCode: "EXCEEDED_ID_LIMIT" }]]);
    expect((await call("POST", "/composite/sobjects", { records: [{ LastName: "untyped" }] })).json).toEqual([{ message: "Must send a concrete entity type.", errorCode: "INVALID_TYPE" }]);
  });

  it("tells deleted, never-existing and malformed ids apart, and rolls back allOrNone requests", async () => {
    const [a, b] = [sandbox.insert("Contact", { LastName: "A" }), sandbox.insert("Contact", { LastName: "B" })];
    sandbox.remove(a);
    const never = toId18("003Hs0000ZZZZZZ")!;
    const updated = await call("PATCH", "/composite/sobjects", { records: [contact({ id: a, LastName: "x" }), contact({ id: never, LastName: "x" }), contact({ id: "001Hs0000ZZZZZZ", LastName: "x" })] });
    expect((updated.json as unknown as { errors: { statusCode: string }[] }[]).map((r) => r.errors[0]!.statusCode)).toEqual(["ENTITY_IS_DELETED", "INVALID_CROSS_REFERENCE_KEY", "MALFORMED_ID"]);

    const rolled = await call("PATCH", "/composite/sobjects", { allOrNone: true, records: [contact({ id: b, LastName: "Changed" }), contact({ id: b, LastName: null })] });
    expect(rolled.json).toEqual([
      { id: b, success: false, errors: [{ statusCode: "ALL_OR_NONE_OPERATION_ROLLED_BACK", message: "Record rolled back because not all records were valid and the request was using AllOrNone header", fields: [] }] },
      { success: false, errors: [{ statusCode: "REQUIRED_FIELD_MISSING", message: "Required fields are missing: [LastName]", fields: ["LastName"] }] },
    ]);
    expect(sandbox.org.live.get(b)).toMatchObject({ LastName: "B" });

    const deleted = await call("DELETE", `/composite/sobjects?ids=${b},${a},bad&allOrNone=false`);
    expect((deleted.json as unknown as { id?: string; success: boolean; errors: { statusCode: string }[] }[]).map((r) => [r.id, r.success, r.errors[0]?.statusCode])).toEqual([
      [b, true, undefined],
      [undefined, false, "ENTITY_IS_DELETED"],
      [undefined, false, "MALFORMED_ID"],
    ]);
  });

  it("upserts on an external ID with `created`, and pages query results with nextRecordsUrl", async () => {
    const first = await call("PATCH", "/composite/sobjects/Contact/Relay_Id__c", { allOrNone: false, records: [contact({ LastName: "U", Relay_Id__c: "u1" }), contact({ LastName: "V", Relay_Id__c: "k1" })] });
    expect((first.json as unknown as { created: boolean; success: boolean }[]).map((r) => [r.success, r.created])).toEqual([[true, true], [true, false]]);
    expect((await call("PATCH", "/composite/sobjects/Contact/LastName", { records: [] })).json).toEqual([{ message: "Field name provided, LastName is not an External ID or indexed field for Contact", errorCode: "INVALID_FIELD" }]);

    sandbox.configure({ queryPageSize: 1 });
    const q = encodeURIComponent("SELECT Id, Relay_Id__c FROM Contact WHERE Relay_Id__c != null");
    const page1 = (await call("GET", `/query?q=${q}`)).json as unknown as { totalSize: number; done: boolean; nextRecordsUrl: string; records: { Relay_Id__c: string }[] };
    expect(page1).toMatchObject({ totalSize: 2, done: false, records: [{ attributes: { type: "Contact" } }] });
    const page2 = (await (await fetch(`${sandbox.instanceUrl}${page1.nextRecordsUrl}`, { headers: { authorization: `Bearer ${token}` } })).json()) as typeof page1;
    expect(page2).toMatchObject({ done: true, records: [{}] });
    expect([page1.records[0]!.Relay_Id__c, page2.records[0]!.Relay_Id__c].sort()).toEqual(["k1", "u1"]);
    expect((await call("GET", `/query?q=${encodeURIComponent("SELECT Nope FROM Contact")}`)).json).toMatchObject([{ errorCode: "INVALID_FIELD" }]);
  });

  it("refuses every call with 403 REQUEST_LIMIT_EXCEEDED once the daily quota is used", async () => {
    sandbox.configure({ apiUsage: { used: 14_999, max: 15_000 } });
    expect((await call("GET", "/limits")).headers.get("sforce-limit-info")).toBe("api-usage=15000/15000");
    const refused = await call("GET", "/limits");
    expect([refused.status, refused.json]).toEqual([403, [{ message: "TotalRequests Limit exceeded.", errorCode: "REQUEST_LIMIT_EXCEEDED" }]]);
  });
});
