/** The HubSpot connector outside a run: field discovery, "Test connection", how HubSpot's answers are read, and batch writes against the sandbox. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpClient } from "@/lib/http/client";
import { DestinationConfigError, type DeliveryContext, type HttpClient, type HttpResponse, type WriteRecord } from "../types";
import { hubspotLimits, refusalMessage } from "./client";
import type { HubspotSecrets, HubspotSettings } from "./config";
import { hubspot } from "./index";
import { hubspotValue } from "./properties";
import { allScopes, type HubspotSandbox, startHubspotSandbox } from "./sandbox";
import { deliveryState, messageOf, writeRecords } from "./write";
import { connectorContext, scaledClock } from "@/lib/http/context";

let sandbox: HubspotSandbox;
beforeAll(async () => (sandbox = await startHubspotSandbox()));
afterAll(() => sandbox.close());

const connection = (token = sandbox.token) => ({ settings: { apiBaseUrl: sandbox.url }, secrets: { accessToken: token } });
const answer = (status: number, body?: unknown, headers: Record<string, string> = {}): HttpResponse => ({ status, headers: new Headers(headers), text: body === undefined ? "" : JSON.stringify(body), json: body });

/** A delivery context for one batch, outside the engine. */
function deliveryContext(p: { object?: string; key: string; fields: string[]; http?: HttpClient }): DeliveryContext<HubspotSettings, HubspotSecrets> {
  return {
    connection: connection(),
    http: p.http ?? createHttpClient({ delaysMs: [1], timeScale: 1, outbound: { allowPrivate: true } }),
    clock: scaledClock(1),
    object: p.object ?? "contacts",
    mode: "incremental",
    fields: p.fields,
    key: p.key,
    runId: "run",
    syncId: "sync",
    startedAt: new Date(),
    records: async function* () {},
  };
}

describe("HubSpot field discovery and Test connection", () => {
  it("lists the four CRM objects and each one's writable properties, with types and unique keys", async () => {
    expect((await hubspot.listObjects(connectorContext(connection()))).map((o) => o.name)).toEqual(["contacts", "companies", "deals", "products"]);
    const fields = await hubspot.listFields(connectorContext(connection()), "contacts");
    const byName = Object.fromEntries(fields.map((f) => [f.name, f]));
    expect(fields.slice(0, 2).map((f) => [f.name, f.key])).toEqual([["email", "unique"], ["relay_id", "unique"]]);
    expect(byName.firstname).toMatchObject({ type: "string", required: false, nullable: true, key: undefined, description: "First Name" });
    expect(byName.date_of_birth).toMatchObject({ type: "date" });
    expect(byName.relay_last_order_at).toMatchObject({ type: "datetime" });
    expect(byName.relay_total_spent).toMatchObject({ type: "number" });
    expect(byName.relay_newsletter).toMatchObject({ type: "boolean" });
    expect(byName.lifecyclestage).toMatchObject({ type: "string", description: "Lifecycle Stage — one of subscriber, lead, opportunity, customer" });
    // Read-only (hs_object_id, createdate), calculated (total_revenue) and hidden properties cannot be mapped.
    for (const name of ["hs_object_id", "createdate", "lastmodifieddate", "total_revenue", "hs_all_contact_vids"]) expect(byName[name]).toBeUndefined();
    const deals = await hubspot.listFields(connectorContext(connection()), "deals");
    expect(deals.filter((f) => f.key).map((f) => f.name)).toEqual(["relay_id"]);
    expect(deals.find((f) => f.name === "amount")).toMatchObject({ type: "number" });
    await expect(hubspot.listFields(connectorContext(connection()), "tickets")).rejects.toThrow('HubSpot syncs write contacts, companies, deals, products, not "tickets"');
  });

  it("says which scope the token lacks, and refuses a bad token", async () => {
    sandbox.configure({ scopes: allScopes.filter((s) => !s.startsWith("crm.objects.deals")) });
    try {
      const error = await hubspot.listFields(connectorContext(connection()), "deals").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DestinationConfigError);
      expect((error as Error).message).toBe(
        "HubSpot refused to read the properties of deals: the private app lacks the scope crm.objects.deals.read or crm.schemas.deals.read (403 MISSING_SCOPES). Add it under Settings → Integrations → Private apps → Scopes, then try again",
      );
      const tested = await hubspot.test(connectorContext(connection()));
      expect(tested.ok).toBe(true);
      expect(tested.message).toMatch(/^Connected to HubSpot: the token reads contacts, companies, products \(write access is checked by the first run\)\. HubSpot refused to read deals: the private app lacks the scope crm\.objects\.deals\.read/);
      sandbox.configure({ scopes: [] });
      expect((await hubspot.test(connectorContext(connection()))).ok).toBe(false);
    } finally {
      sandbox.configure({ scopes: allScopes });
    }
    expect(await hubspot.test(connectorContext(connection()))).toEqual({ ok: true, message: "Connected to HubSpot: the token reads contacts, companies, deals, products (write access is checked by the first run)" });
    expect(await hubspot.test(connectorContext(connection("pat-na1-wrong")))).toEqual({
      ok: false,
      message: "HubSpot refused the access token (401 INVALID_AUTHENTICATION): paste a valid private app token in the connection (Authentication credentials not found)",
    });
    await expect(hubspot.listFields(connectorContext(connection("pat-na1-wrong")), "contacts")).rejects.toThrow(/^HubSpot refused the access token \(401/);
  });
});

describe("reading HubSpot's answers", () => {
  it("reads its limit signals: rolling window → wait, Remaining 0 → pause, DAILY → stop the run", () => {
    const window = { "x-hubspot-ratelimit-interval-milliseconds": "10000" };
    expect(hubspotLimits(answer(429, { errorType: "RATE_LIMIT", policyName: "TEN_SECONDLY_ROLLING", message: "You have reached your ten_secondly_rolling limit." }, window))).toEqual({ retryAfterMs: 10_000 });
    expect(hubspotLimits(answer(429, { policyName: "SECONDLY" }))).toEqual({ retryAfterMs: 1_000 });
    expect(hubspotLimits(answer(429, { policyName: "TEN_SECONDLY_ROLLING" }, { "retry-after": "3" }))).toEqual({ retryAfterMs: 3_000 });
    expect(hubspotLimits(answer(200, { results: [] }, { ...window, "x-hubspot-ratelimit-remaining": "0" }))).toEqual({ pauseMs: 10_500 });
    expect(hubspotLimits(answer(200, { results: [] }, { ...window, "x-hubspot-ratelimit-remaining": "12" }))).toBeUndefined();
    expect(hubspotLimits(answer(423, { message: "locked" }))).toEqual({ retryAfterMs: 2_000 });
    const daily = hubspotLimits(answer(429, { status: "error", message: "You have reached your daily limit.", errorType: "RATE_LIMIT", policyName: "DAILY" }));
    expect(daily).toEqual({ exhausted: expect.stringMatching(/^HubSpot's daily API limit for this account is spent \("You have reached your daily limit\."\): the run stopped/) });
  });

  it("turns HubSpot's errors into messages a user can act on", () => {
    const scope = answer(403, { category: "MISSING_SCOPES", errors: [{ message: "One or more of the following scopes are required.", context: { requiredScopes: ["crm.objects.deals.write"] } }] });
    expect(refusalMessage(scope, "create deals")).toMatch(/^HubSpot refused to create deals: the private app lacks the scope crm\.objects\.deals\.write \(403 MISSING_SCOPES\)/);
    // The reference docs also show the context as a string.
    expect(refusalMessage(answer(403, { category: "MISSING_SCOPES", errors: [{ context: '{"missingScopes": ["crm.objects.contacts.write"]}' }] }), "x")).toContain("lacks the scope crm.objects.contacts.write");
    expect(refusalMessage(answer(403, { category: "FORBIDDEN", message: "Nope" }), "x")).toBe("HubSpot refused to x (403 FORBIDDEN: Nope)");
    const invalid = 'Property values were not valid: [{"isValid":false,"message":"29947847357121 was not a valid integer (for owner ID).","error":"INVALID_INTEGER","name":"hubspot_owner_id"}]';
    expect(messageOf({ category: "VALIDATION_ERROR", message: invalid })).toBe("VALIDATION_ERROR: Property values were not valid: hubspot_owner_id: 29947847357121 was not a valid integer (for owner ID).");
    expect(messageOf({ message: "Contact already exists. Existing ID: 5" })).toBe("Contact already exists. Existing ID: 5");
  });

  it("sends values as HubSpot takes them: strings, dates at midnight UTC in epoch ms, \"\" to clear", () => {
    expect(hubspotValue("1990-05-12", "date")).toBe(String(Date.UTC(1990, 4, 12)));
    expect(hubspotValue("2024-03-05T18:30:00Z", "date")).toBe(String(Date.UTC(2024, 2, 5)));
    expect(hubspotValue("2024-03-05T18:30:00.250Z", "datetime")).toBe(String(Date.UTC(2024, 2, 5, 18, 30, 0, 250)));
    expect(hubspotValue(1_709_663_400, "datetime")).toBe("1709663400000");
    expect(hubspotValue(true, "bool")).toBe("true");
    expect(hubspotValue(12.5, "number")).toBe("12.5");
    expect(hubspotValue(null, "string")).toBe("");
    expect(hubspotValue(["a", "b"], "string")).toBe("a;b");
    expect(hubspotValue("not a date", "date")).toBe("not a date");
  });
});

describe("batch writes", () => {
  const record = (key: string, payload: Record<string, unknown>, destinationId?: string): WriteRecord => ({ key, op: destinationId ? "update" : "create", payload, destinationId });

  it("matches results that come back in another order and without trace ids, by id and by the upsert property", async () => {
    const sent: unknown[] = [];
    const http: HttpClient = async (request) => {
      sent.push(request.body);
      const inputs = (request.body as { inputs: { id: string; properties: Record<string, string> }[] }).inputs;
      if (request.url.endsWith("/batch/update")) return answer(200, { status: "COMPLETE", results: inputs.map((i) => ({ id: i.id, properties: i.properties })).reverse() });
      return answer(200, { status: "COMPLETE", results: inputs.map((i, n) => ({ id: String(900 + n), new: true, properties: { ...i.properties, relay_id: i.id.toUpperCase() } })).reverse() });
    };
    const ctx = deliveryContext({ key: "relay_id", fields: ["relay_id", "firstname"], http });
    const state = { kinds: { relay_id: "string" as const, firstname: "string" as const } };
    const results = await writeRecords(ctx, state, [record("a", { relay_id: "a", firstname: "A" }, "11"), record("b", { relay_id: "b", firstname: "B" }, "12"), record("c", { relay_id: "c" }), record("d", { relay_id: "d" })]);
    expect(results).toEqual([
      { key: "a", status: "ok", op: "update" },
      { key: "b", status: "ok", op: "update" },
      { key: "c", status: "ok", op: "create", destinationId: "900" },
      { key: "d", status: "ok", op: "create", destinationId: "901" },
    ]);
    expect(sent[1]).toEqual({ inputs: [{ idProperty: "relay_id", id: "c", properties: { relay_id: "c" }, objectWriteTraceId: "0" }, { idProperty: "relay_id", id: "d", properties: { relay_id: "d" }, objectWriteTraceId: "1" }] });
  });

  it("upserts new records on the unique match property, reading each input's fate from the 207 by its trace id", async () => {
    const ctx = deliveryContext({ object: "products", key: "relay_id", fields: ["relay_id", "name", "price"] });
    const state = deliveryState(ctx, sandbox.store.properties.products);
    const before = sandbox.log.length;
    const results = await writeRecords(ctx, state, [record("P-1", { relay_id: "P-1", name: "Mug", price: 9.5 }), record("P-2", { relay_id: "P-2", name: "Cup", price: "cheap" }), record("P-3", { relay_id: "P-3", name: "Pot", price: 20 })]);
    expect(sandbox.log.slice(before).map((l) => `${l.path} ${l.status}`)).toEqual(["/crm/v3/objects/products/batch/upsert 207"]);
    expect(results.find((r) => r.key === "P-2")).toMatchObject({ status: "failed", kind: "rejected", message: "VALIDATION_ERROR: Property values were not valid: price: cheap was not a valid integer." });
    for (const key of ["P-1", "P-3"]) {
      const ok = results.find((r) => r.key === key)!;
      expect(ok).toMatchObject({ status: "ok", op: "create" });
      expect(sandbox.store.records.products.get((ok as { destinationId: string }).destinationId)!.properties.relay_id).toBe(key);
    }
  });

  it("refuses at delivery begin when the match property is no longer unique, instead of creating (a replayed create duplicates)", async () => {
    const relayId = sandbox.store.properties.products.find((p) => p.name === "relay_id")!;
    relayId.hasUniqueValue = false; // the uniqueness was removed in HubSpot after the sync was set up
    try {
      const before = sandbox.log.length;
      const error = await hubspot.delivery.begin(deliveryContext({ object: "products", key: "relay_id", fields: ["relay_id", "name"] })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DestinationConfigError);
      expect((error as Error).message).toBe("products.relay_id is no longer a unique property in HubSpot: make it unique or match on another");
      expect(sandbox.log.slice(before).map((l) => l.path)).toEqual(["/crm/v3/properties/products"]);
    } finally {
      relayId.hasUniqueValue = true;
    }
    expect(() => deliveryState({ object: "products", key: "hs_sku", fields: ["hs_sku", "name"] }, sandbox.store.properties.products)).toThrow(
      "products.hs_sku is no longer a unique property in HubSpot: make it unique or match on another",
    );
    // A contact's email is unique by HubSpot's own rule, whatever the property says.
    expect(deliveryState({ object: "contacts", key: "email", fields: ["email"] }, sandbox.store.properties.contacts)).toEqual({ kinds: { email: "string" } });
  });

  it("finds the refused input of an all-or-nothing 400 by sending each alone, and refuses read-only or unknown mapped properties up front", async () => {
    sandbox.configure({ allOrNothing: true });
    try {
      const ctx = deliveryContext({ object: "companies", key: "relay_id", fields: ["relay_id", "name", "numberofemployees"] });
      const state = deliveryState(ctx, sandbox.store.properties.companies);
      const before = sandbox.log.length;
      const results = await writeRecords(ctx, state, [record("k1", { relay_id: "k1", name: "One", numberofemployees: 5 }), record("k2", { relay_id: "k2", name: "Two", numberofemployees: "many" }), record("k3", { relay_id: "k3", name: "Three" })]);
      expect(sandbox.log.slice(before).map((l) => `${l.inputs} ${l.status}`)).toEqual(["3 400", "1 200", "1 400", "1 200"]);
      expect(results.map((r) => [r.key, r.status])).toEqual([["k1", "ok"], ["k2", "failed"], ["k3", "ok"]]);
      expect(results[1]).toMatchObject({ kind: "rejected", response: { status: 400 } });
      expect(sandbox.find("companies", "relay_id", "k3")!.properties.name).toBe("Three");
    } finally {
      sandbox.configure({ allOrNothing: false });
    }
    const properties = sandbox.store.properties.contacts;
    expect(() => deliveryState({ object: "contacts", key: "email", fields: ["email", "hs_object_id"] }, properties)).toThrow('HubSpot does not let apps write the read-only property "hs_object_id" of contacts: remove it from the mapping');
    expect(() => deliveryState({ object: "contacts", key: "email", fields: ["email", "shoe_size", "hat"] }, properties)).toThrow('HubSpot contacts have no properties "shoe_size", "hat" (deleted or renamed in HubSpot?): fix the sync\'s mapping');
  });

  it("imitates HubSpot's search: its own 5-per-second limit, no rate-limit headers, new records found only after a delay", async () => {
    const own = await startHubspotSandbox({ timeScale: 0.2 }); // a 200 ms second, records indexed after 400 ms
    try {
      const search = (value: string) =>
        fetch(`${own.url}/crm/v3/objects/contacts/search`, {
          method: "POST",
          headers: { authorization: `Bearer ${own.token}`, "content-type": "application/json" },
          body: JSON.stringify({ filterGroups: [{ filters: [{ propertyName: "email", operator: "EQ", value }] }], properties: ["email"] }),
        });
      own.seed("contacts", { email: "late@example.com" });
      const early = await search("LATE@example.com");
      expect(early.headers.get("x-hubspot-ratelimit-remaining")).toBeNull();
      expect(await early.json()).toMatchObject({ total: 0, results: [] });
      await new Promise((r) => setTimeout(r, 450));
      const answers = [];
      for (let i = 0; i < 6; i++) answers.push(await search("LATE@example.com"));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 429]);
      expect(await answers[0]!.json()).toMatchObject({ total: 1, results: [{ properties: { email: "late@example.com" } }] });
      expect(await answers[5]!.json()).toMatchObject({ policyName: "SECONDLY", errorType: "RATE_LIMIT" });
    } finally {
      await own.close();
    }
  });

  it("imitates HubSpot's batch rules: no trace ids = all or nothing (409 naming the first existing contact), at most 100 inputs, idProperty unique", async () => {
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${sandbox.url}/crm/v3/objects/contacts/${path}`, { method: "POST", headers: { authorization: `Bearer ${sandbox.token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
      return { status: res.status, body: res.status === 204 ? undefined : ((await res.json()) as Record<string, unknown>) };
    };
    const existing = sandbox.seed("contacts", { email: "taken@example.com" });
    const count = sandbox.records().length;
    const clash = await post("batch/create", { inputs: [{ properties: { email: "fresh@example.com" } }, { properties: { email: "Taken@example.com" } }] });
    expect(clash).toMatchObject({ status: 409, body: { status: "error", category: "CONFLICT", message: `Contact already exists. Existing ID: ${existing.id}` } });
    expect(sandbox.records()).toHaveLength(count);
    const traced = await post("batch/create", { inputs: [{ properties: { email: "fresh@example.com" }, objectWriteTraceId: "a" }, { properties: { email: "taken@example.com" }, objectWriteTraceId: "b" }] });
    expect(traced).toMatchObject({ status: 207, body: { numErrors: 1, errors: [{ category: "CONFLICT", context: { objectWriteTraceId: ["b"] } }], results: [{ objectWriteTraceId: "a" }] } });
    expect((await post("batch/create", { inputs: Array.from({ length: 101 }, () => ({ properties: {} })) })).status).toBe(400);
    expect(await post("batch/upsert", { inputs: [{ idProperty: "firstname", id: "Ann", properties: {} }] })).toMatchObject({ status: 400, body: { message: "Unable to perform update/upsert by non-unique 0-1 property firstname" } });
    expect(await post("batch/archive", { inputs: [{ id: existing.id }, { id: "424242" }] })).toEqual({ status: 204, body: undefined });
    expect(await post("batch/update", { inputs: [{ id: existing.id, properties: { firstname: "X" } }] })).toMatchObject({ status: 207, body: { errors: [{ category: "OBJECT_NOT_FOUND", context: { ids: [existing.id] } }] } });
  });
});
