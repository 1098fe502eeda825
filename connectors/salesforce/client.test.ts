/** Where the connector logs in and where it then calls, from the settings a real user enters (no test server). */
import { describe, expect, it } from "vitest";
import { manualClock } from "@/test/clock";
import type { Clock, HttpRequest } from "../types";
import { describeObject, type SalesforceConnection, sfCall } from "./client";
import { salesforceSettingsSchema } from "./config";

let apps = 0;
/** A connection as a user saves it: My Domain, a connected app (its own consumer key, so no session is shared between tests). */
function connection(settings: Record<string, unknown> = {}): SalesforceConnection {
  const parsed = salesforceSettingsSchema.parse({ myDomainUrl: "https://acme.my.salesforce.com", clientId: `3MVG9client.test.${++apps}`, ...settings });
  return { settings: parsed, secrets: { clientSecret: "secret" } };
}

/** Salesforce as seen through the HttpClient: the login answer names `instanceUrl`; the REST API answers 200. */
function salesforceAt(instanceUrl: string, clock: Clock = manualClock()) {
  const sent: HttpRequest[] = [];
  const http = async (request: HttpRequest) => {
    sent.push(request);
    const json = request.url.endsWith("/services/oauth2/token") ? { access_token: "00D!token", instance_url: instanceUrl, token_type: "Bearer" } : { sobjects: [] };
    return { status: 200, headers: new Headers(), text: JSON.stringify(json), json };
  };
  return { http, urls: () => sent.map((r) => `${r.method} ${r.url}`), on: (c: SalesforceConnection) => ({ connection: c, http, clock }) };
}

describe("Salesforce's login", () => {
  it("logs in at My Domain and calls the instance_url of the login answer", async () => {
    const sf = salesforceAt("https://acme.my.salesforce.com");
    expect((await sfCall(sf.on(connection()), { method: "GET", path: "/sobjects" })).status).toBe(200);
    expect(sf.urls()).toEqual(["POST https://acme.my.salesforce.com/services/oauth2/token", "GET https://acme.my.salesforce.com/services/data/v62.0/sobjects"]);

    const moved = salesforceAt("https://acme--na231.example.salesforce.com");
    await sfCall(moved.on(connection()), { method: "GET", path: "/services/data/v62.0/query/01gXX-2000" });
    expect(moved.urls()).toEqual(["POST https://acme.my.salesforce.com/services/oauth2/token", "GET https://acme--na231.example.salesforce.com/services/data/v62.0/query/01gXX-2000"]);
  });

  it("logs in again once the session's 15 minutes are over on the connector's clock, not before", async () => {
    const clock = manualClock();
    const sf = salesforceAt("https://acme.my.salesforce.com", clock);
    const ctx = sf.on(connection());
    const login = "POST https://acme.my.salesforce.com/services/oauth2/token";
    const call = () => sfCall(ctx, { method: "GET", path: "/sobjects" });
    await call();
    clock.advance(13 * 60_000);
    await call();
    expect(sf.urls().filter((u) => u === login)).toHaveLength(1);
    clock.advance(2 * 60_000);
    await call();
    expect(sf.urls().filter((u) => u === login)).toHaveLength(2);
  });

  it("asks for a describe again as modified since Salesforce's time of the last answer, whatever our clock says", async () => {
    const asked: (string | undefined)[] = [];
    const salesforceTime = "Tue, 02 Jan 2024 10:00:05 GMT";
    const http = async (request: HttpRequest) => {
      const json = request.url.endsWith("/token") ? { access_token: "00D!token", instance_url: "https://acme.my.salesforce.com" } : { name: "Contact", label: "Contact", fields: [] };
      if (request.url.endsWith("/describe")) asked.push(request.headers?.["if-modified-since"]);
      return { status: 200, headers: new Headers({ date: salesforceTime }), text: JSON.stringify(json), json };
    };
    const ctx = { connection: connection(), http, clock: manualClock(Date.parse("2026-06-01T00:00:00Z")) };
    await describeObject(ctx, "Contact");
    await describeObject(ctx, "Contact");
    expect(asked).toEqual([undefined, "Tue, 02 Jan 2024 10:00:04 GMT"]);
  });

  it("refuses an instance_url that is not https unless a test server was logged in at over http", async () => {
    for (const named of ["http://acme.my.salesforce.com", "javascript:alert(1)", "/services", undefined]) {
      const sf = salesforceAt(named as string);
      await expect(sfCall(sf.on(connection()), { method: "GET", path: "/sobjects" })).rejects.toThrow(`Salesforce's login answer names no https instance URL (${String(named)})`);
      expect(sf.urls()).toHaveLength(1);
    }
    const local = salesforceAt("http://127.0.0.1:4001");
    await sfCall(local.on(connection({ loginUrl: "http://127.0.0.1:4000" })), { method: "GET", path: "/sobjects" });
    expect(local.urls()).toEqual(["POST http://127.0.0.1:4000/services/oauth2/token", "GET http://127.0.0.1:4001/services/data/v62.0/sobjects"]);
    const proxied = salesforceAt("http://127.0.0.1:4001");
    await expect(sfCall(proxied.on(connection({ loginUrl: "https://proxy.example" })), { method: "GET", path: "/sobjects" })).rejects.toThrow("names no https instance URL");
  });

  it("takes only an https My Domain, a login URL override and no override of the API host", () => {
    const issues = (settings: Record<string, unknown>) =>
      salesforceSettingsSchema.safeParse({ myDomainUrl: "https://acme.my.salesforce.com", clientId: "key", ...settings }).error?.issues.map((i) => `${i.path.join(".") || "-"}: ${i.message}`);
    expect(issues({})).toBeUndefined();
    expect(issues({ loginUrl: "http://127.0.0.1:4000" })).toBeUndefined();
    expect(issues({ myDomainUrl: "http://acme.my.salesforce.com" })).toEqual(["myDomainUrl: Enter your org's My Domain URL, such as https://acme.my.salesforce.com"]);
    expect(issues({ loginUrl: "ftp://example.com" })).toEqual(["loginUrl: Enter the URL to log in at, starting with https://, or leave it empty to log in at My Domain"]);
    expect(issues({ apiBaseUrl: "http://127.0.0.1:4000" })).toEqual([expect.stringMatching(/^-: Unrecognized key: "apiBaseUrl"/)]);
  });
});
