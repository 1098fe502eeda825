/** The sandbox behaves as the fact sheet says Google does, so the connector's tests against it mean something. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATA_MANAGER_SCOPE, signAssertion } from "./client";
import { type GoogleAudiencesSandbox, startGoogleAudiencesSandbox } from "./sandbox";
import { serviceAccountKeyPair, sha256 } from "./testing";

const account = serviceAccountKeyPair();
const LIST = "5550001";
const destinations = [{ operatingAccount: { accountType: "GOOGLE_ADS", accountId: "1234567890" }, productDestinationId: LIST }];
const consent = { adUserData: "CONSENT_GRANTED", adPersonalization: "CONSENT_GRANTED" };
const termsOfService = { customerMatchTermsOfServiceStatus: "ACCEPTED" };
const email = (e: string) => ({ userData: { userIdentifiers: [{ emailAddress: sha256(e) }] } });
type Detail = { "@type": string; reason?: string; fieldViolations?: { field: string; description: string; reason?: string }[] };
type Answer = {
  access_token: string;
  requestId: string;
  error: { status: string; details: Detail[] };
  requestStatusPerDestination: { requestStatus: string }[];
};
let sandbox: GoogleAudiencesSandbox;
let token: string;

async function call(method: string, path: string, body?: unknown, bearer = token) {
  const res = await fetch(`${sandbox.url}${path}`, { method, headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Answer };
}
async function issue(scope = DATA_MANAGER_SCOPE, key = account.keyFile) {
  const assertion = signAssertion(key, { audience: "https://oauth2.googleapis.com/token", scope, nowSeconds: Math.floor(Date.now() / 1000) });
  const res = await fetch(sandbox.tokenUrl, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion }) });
  return { status: res.status, json: (await res.json()) as Answer };
}
const ingest = (body: Record<string, unknown>) => call("POST", "/v1/audienceMembers:ingest", { destinations, encoding: "HEX", consent, termsOfService, ...body });
const reasonOf = (json: Answer) => json.error.details.find((d) => d["@type"].endsWith("ErrorInfo"))?.reason;
const violations = (json: Answer) => json.error.details.find((d) => d["@type"].endsWith("BadRequest"))?.fieldViolations ?? [];

beforeAll(async () => {
  sandbox = await startGoogleAudiencesSandbox({ serviceAccount: { email: account.email, publicKey: account.publicKey }, accounts: { "1234567890": { lists: [{ id: LIST, displayName: "Buyers" }] } } });
  token = (await issue()).json.access_token;
});
afterAll(() => sandbox?.close());

describe("the Data Manager sandbox", () => {
  it("issues tokens only for a JWT signed by the service account's key, and checks token and scope on every call", async () => {
    expect(token).toMatch(/^ya29\./);
    expect(await issue(DATA_MANAGER_SCOPE, serviceAccountKeyPair(account.email).keyFile)).toEqual({ status: 400, json: { error: "invalid_grant", error_description: "Invalid JWT Signature." } });
    expect((await call("GET", `/v1/accountTypes/GOOGLE_ADS/accounts/1234567890/userLists`, undefined, "nope")).status).toBe(401);
    const adwordsOnly = (await issue("https://www.googleapis.com/auth/adwords")).json.access_token;
    const refused = await call("GET", `/v1/accountTypes/GOOGLE_ADS/accounts/1234567890/userLists`, undefined, adwordsOnly);
    expect([refused.status, reasonOf(refused.json)]).toEqual([403, "ACCESS_TOKEN_SCOPE_INSUFFICIENT"]);
    expect((await call("GET", `/v1/accountTypes/GOOGLE_ADS/accounts/999/userLists`)).status).toBe(403);
  });

  it("refuses the whole request for one bad record, naming it, and adds none of the others", async () => {
    const answer = await ingest({ audienceMembers: [email("a@example.com"), { userData: { userIdentifiers: [{ emailAddress: "zz" + sha256("b").slice(2) }] } }, email("c@example.com")] });
    expect(answer.status).toBe(400);
    expect(answer.json.error.status).toBe("INVALID_ARGUMENT");
    expect(violations(answer.json)).toEqual([{ field: "audience_members[1].user_data.user_identifiers[0].email_address", description: "The value is not hex encoded.", reason: "INVALID_HEX_ENCODING" }]);
    expect(sandbox.members(LIST).size).toBe(0);
  });

  it("checks addresses: an ISO region code, the postal code in clear (US: 5 digits or ZIP+4), the names as digests", async () => {
    const address = (a: Record<string, unknown>) => ({ userData: { userIdentifiers: [{ address: { givenName: sha256("jane"), familyName: sha256("doe"), regionCode: "US", postalCode: "94303", ...a } }] } });
    const at = (i: number) => `audience_members[${i}].user_data.user_identifiers[0].address`;
    const refused = await ingest({ audienceMembers: [address({ postalCode: "9430" }), address({ postalCode: sha256("94303") }), address({ regionCode: "XX" }), address({ postalCode: undefined }), address({ givenName: "Jane" })] });
    expect(violations(refused.json).map((v) => `${v.field} ${v.reason}`)).toEqual([
      `${at(0)}.postal_code INVALID_POSTAL_CODE`,
      `${at(1)}.postal_code INVALID_POSTAL_CODE`,
      `${at(2)}.region_code INVALID_COUNTRY_CODE`,
      `${at(3)}.postal_code REQUIRED_FIELD_MISSING`,
      `${at(4)}.given_name INVALID_HEX_ENCODING`,
    ]);
    expect((await ingest({ audienceMembers: [address({ postalCode: "94303-5300" }), address({ regionCode: "GB", postalCode: "WC2H 8LG" })] })).status).toBe(200);
    expect(sandbox.members(LIST).has(`address:${sha256("jane")}:${sha256("doe")}:US:94303-5300`)).toBe(true);
    expect(sandbox.members(LIST).has(`address:${sha256("jane")}:${sha256("doe")}:GB:WC2H 8LG`)).toBe(true);
  });

  it("removes the identifiers named, or, set to, the whole user they match (with every identifier it was ingested with)", async () => {
    const person = (e: string, phone: string) => ({ userData: { userIdentifiers: [{ emailAddress: sha256(e) }, { phoneNumber: sha256(phone) }] } });
    const remove = (e: string) => call("POST", "/v1/audienceMembers:remove", { destinations, encoding: "HEX", audienceMembers: [email(e)] });
    await ingest({ audienceMembers: [person("one@example.com", "+33600000001")] });
    expect((await remove("one@example.com")).status).toBe(200);
    expect(sandbox.members(LIST).has(`phone:${sha256("+33600000001")}`)).toBe(true);

    sandbox.configure({ removes: "matchedUser" });
    try {
      // Two uploads sharing a phone are one user: removing the first email drops the second too.
      await ingest({ audienceMembers: [person("two@example.com", "+33600000002"), email("other@example.com")] });
      await ingest({ audienceMembers: [person("two-new@example.com", "+33600000002")] });
      expect((await remove("two@example.com")).status).toBe(200);
      for (const key of [`email:${sha256("two@example.com")}`, `email:${sha256("two-new@example.com")}`, `phone:${sha256("+33600000002")}`]) expect(sandbox.members(LIST).has(key)).toBe(false);
      expect(sandbox.members(LIST).has(`email:${sha256("other@example.com")}`)).toBe(true);
    } finally {
      sandbox.configure({ removes: "identifier" });
    }
  });

  it("requires consent (as CONSENT_* values), the encoding the digests are in, and accepted terms", async () => {
    const noConsent = await ingest({ consent: undefined, audienceMembers: [email("a@example.com")] });
    expect(violations(noConsent.json).map((v) => v.field)).toEqual(["audience_members[0].consent.ad_user_data", "audience_members[0].consent.ad_personalization"]);
    const googleAdsStyle = await ingest({ consent: { adUserData: "GRANTED", adPersonalization: "GRANTED" }, audienceMembers: [email("a@example.com")] });
    expect(violations(googleAdsStyle.json)[0]).toMatchObject({ field: "consent.ad_user_data", description: expect.stringContaining('"GRANTED"') });
    const base64Digest = Buffer.from(sha256("a@example.com"), "hex").toString("base64");
    const mismatch = await ingest({ audienceMembers: [{ userData: { userIdentifiers: [{ emailAddress: base64Digest }] } }] });
    expect(violations(mismatch.json)[0]).toMatchObject({ reason: "INVALID_HEX_ENCODING" });
    expect(violations((await ingest({ encoding: undefined, audienceMembers: [email("a@example.com")] })).json)[0]).toMatchObject({ field: "encoding", reason: "REQUIRED_FIELD_MISSING" });
    expect(violations((await ingest({ termsOfService: { customerMatchTermsOfServiceStatus: "REJECTED" }, audienceMembers: [email("a@example.com")] })).json)[0]).toMatchObject({ reason: "TERMS_AND_CONDITIONS_NOT_SIGNED" });
    expect(violations((await ingest({ audienceMembers: Array.from({ length: 10_001 }, () => email("a@example.com")) })).json)[0]).toMatchObject({ reason: "TOO_MANY_AUDIENCE_MEMBERS" });
  });

  it("reports a request PROCESSING, then SUCCESS; a validateOnly request id is unknown to requestStatus", async () => {
    const { json } = await ingest({ audienceMembers: [email("a@example.com")] });
    const statusOf = async (id: string) => (await call("GET", `/v1/requestStatus:retrieve?requestId=${id}`)).json;
    expect((await statusOf(json.requestId)).requestStatusPerDestination[0]!.requestStatus).toBe("PROCESSING");
    expect((await statusOf(json.requestId)).requestStatusPerDestination[0]!.requestStatus).toBe("PROCESSING");
    expect((await statusOf(json.requestId)).requestStatusPerDestination[0]).toMatchObject({ requestStatus: "SUCCESS", audienceMembersIngestionStatus: { userDataIngestionStatus: { recordCount: "1" } } });
    const dry = await ingest({ validateOnly: true, audienceMembers: [email("dry@example.com")] });
    const unknown = await call("GET", `/v1/requestStatus:retrieve?requestId=${dry.json.requestId}`);
    expect([unknown.status, reasonOf(unknown.json)]).toEqual([400, "INVALID_REQUEST_ID"]);
    expect(sandbox.members(LIST).has(`email:${sha256("dry@example.com")}`)).toBe(false);
  });

  it("removes all members last added before removeAsOfTime, which must not be in the future", async () => {
    const future = await call("POST", "/v1/audienceMembers:removeAll", { destinations, removeAsOfTime: new Date(Date.now() + 60_000).toISOString() });
    expect(violations(future.json)[0]).toMatchObject({ field: "remove_as_of_time" });
    await ingest({ audienceMembers: [email("old@example.com")] });
    await new Promise((r) => setTimeout(r, 5));
    const asOf = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    await ingest({ audienceMembers: [email("new@example.com")] });
    expect((await call("POST", "/v1/audienceMembers:removeAll", { destinations, removeAsOfTime: asOf })).status).toBe(200);
    expect(sandbox.members(LIST).has(`email:${sha256("old@example.com")}`)).toBe(false);
    expect(sandbox.members(LIST).has(`email:${sha256("new@example.com")}`)).toBe(true);
  });
});
