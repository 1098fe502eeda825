import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpClient } from "@/lib/sync/http";
import { DestinationConfigError, type DeliveryContext, type HttpResponse, type RecordResult, type WriteRecord } from "../types";
import { contactFields, convertValue, toContact } from "./attributes";
import { brevoLimits, credentialsProblem, isDuplicate } from "./client";
import type { BrevoSecrets, BrevoSettings } from "./config";
import { brevo } from "./index";
import { type BrevoSandbox, startBrevoSandbox } from "./sandbox";
import { defaultAttributes } from "./sandbox-store";

const answer = (status: number, body?: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers: new Headers(headers),
  text: body === undefined ? "" : JSON.stringify(body),
  json: body,
});
const sib = (limit: number, remaining: number, reset: number) => ({ "x-sib-ratelimit-limit": String(limit), "x-sib-ratelimit-remaining": String(remaining), "x-sib-ratelimit-reset": String(reset) });

describe("reading Brevo's answers", () => {
  it("pauses when x-sib-ratelimit-remaining reaches 0, waits out a 429 until the reset, and stops when the reset is an hour away", () => {
    expect(brevoLimits(answer(201, { id: 1 }, sib(10, 3, 1)))).toBeUndefined();
    expect(brevoLimits(answer(201, { id: 1 }, sib(10, 0, 2)))).toEqual({ pauseMs: 2_000 });
    expect(brevoLimits(answer(429, { code: "too_many_requests", message: "The expected rate limit is exceeded." }, sib(10, 0, 1)))).toEqual({ retryAfterMs: 1_000 });
    expect(brevoLimits(answer(429, {}))).toEqual({ retryAfterMs: 1_000 });
    expect(brevoLimits(answer(425, { code: "account_in_process", message: "Too early" }))).toEqual({ retryAfterMs: 1_000 });
    const spent = brevoLimits(answer(429, {}, sib(36_000, 0, 2_400)));
    expect(spent).toEqual({ exhausted: expect.stringMatching(/^Brevo's request limit is spent \(36000 requests per window\) and resets in 40 min: the run stops here/) });
    // A spent hourly budget on a successful answer does not throw the answer away: the next request's 429 stops the run.
    expect(brevoLimits(answer(204, undefined, sib(36_000, 0, 2_400)))).toBeUndefined();
  });

  it("knows Brevo's duplicate answers, old and new, from other refusals", () => {
    const current = { code: "duplicate_parameter", message: "Unable to create contact, email is already associated with another Contact", metadata: { duplicate_identifiers: ["email"] } };
    expect(isDuplicate(answer(400, current))).toBe(true);
    expect(isDuplicate(answer(400, { code: "duplicate_parameter", message: "Contact already exist" }))).toBe(true);
    expect(isDuplicate(answer(400, { code: "invalid_parameter", message: "Contact already exist" }))).toBe(true);
    expect(isDuplicate(answer(400, { code: "invalid_parameter", message: "Unable to update contact, email is already associated with another Contact" }))).toBe(true);
    expect(isDuplicate(answer(400, { code: "invalid_parameter", message: "Invalid email address" }))).toBe(false);
    expect(isDuplicate(answer(404, { code: "document_not_found", message: "Contact does not exist" }))).toBe(false);
  });

  it("says what is wrong with the credentials", () => {
    expect(credentialsProblem(answer(401, { code: "unauthorized", message: "Key not found" }))).toBe("Brevo refused the API key (401 unauthorized: Key not found): check the key under SMTP & API → API keys");
    expect(credentialsProblem(answer(401, { code: "unauthorized", message: "We have detected you are using an unrecognised IP address 10.0.0.1" }))).toMatch(/^Brevo refused this server's IP address .*Authorised IPs/);
    expect(credentialsProblem(answer(403, { code: "permission_denied", message: "Permission denied" }))).toMatch(/lacks the permission/);
    expect(credentialsProblem(answer(400, { code: "invalid_parameter" }))).toBeUndefined();
  });
});

describe("contact attributes as fields and values", () => {
  it("lists the identifiers and the writable attributes with their types, never calculated or global ones", () => {
    const fields = contactFields(defaultAttributes);
    const byName = Object.fromEntries(fields.map((f) => [f.name, f]));
    expect(Object.keys(byName)).toEqual(["email", "ext_id", "SMS", "FIRSTNAME", "LASTNAME", "COUNTRY", "BIRTHDAY", "TOTAL_SPENT", "VIP", "INTERESTS", "GENDER", "ORDER_ID", "emailBlacklisted", "smsBlacklisted"]);
    expect([byName.email!.key, byName.ext_id!.key, byName.SMS!.key, byName.FIRSTNAME!.key]).toEqual(["unique", "unique", "unique", undefined]);
    expect([byName.BIRTHDAY!.type, byName.TOTAL_SPENT!.type, byName.VIP!.type, byName.INTERESTS!.type, byName.GENDER!.type, byName.ORDER_ID!.type]).toEqual(["date", "number", "boolean", "json", "integer", "string"]);
    expect(byName.GENDER!.description).toBe("category attribute (category): 1 = Woman, 2 = Man");
  });

  it("converts values to the attribute's type, and refuses a record whose value Brevo would silently drop", () => {
    const types = { BIRTHDAY: { type: "date" }, TOTAL_SPENT: { type: "float" }, VIP: { type: "boolean" }, GENDER: { type: "category", enumeration: [{ value: 1, label: "Woman" }] }, INTERESTS: { type: "multiple-choice" }, FIRSTNAME: { type: "text" } };
    expect(toContact({ ext_id: "c_1", email: " a@b.co ", first_name: "Ann", birthday: "1990-05-04T00:00:00Z", total_spent: "12.5", vip: "true", gender: "woman", interests: "golf, wine", country: null }, types)).toEqual({
      body: { ext_id: "c_1", email: "a@b.co", attributes: { FIRST_NAME: "Ann", BIRTHDAY: "1990-05-04", TOTAL_SPENT: 12.5, VIP: true, GENDER: 1, INTERESTS: ["golf", "wine"] } },
    });
    expect(toContact({ ext_id: "c_1", TOTAL_SPENT: "a lot", BIRTHDAY: "someday" }, types)).toEqual({
      problem: 'TOTAL_SPENT takes a number, not "a lot"; BIRTHDAY takes a date (YYYY-MM-DD), not "someday": Brevo would silently ignore these values',
    });
    expect(toContact({ FIRSTNAME: "Ann" }, types)).toEqual({ problem: "A Brevo contact needs an email, an ext_id or an SMS number: this record has none" });
    expect(convertValue(3, { type: "category", enumeration: [{ value: 1, label: "Woman" }] })).toEqual({ problem: "takes one of 1 (Woman), not 3" });
  });
});

/** Drives the connector's delivery directly against the sandbox, outside the engine. */
describe("delivering to the Brevo sandbox", () => {
  let sandbox: BrevoSandbox;
  beforeAll(async () => (sandbox = await startBrevoSandbox({ timeScale: 0.01 })));
  afterAll(() => sandbox.close());

  const ctxFor = (object: string, fields: string[], settings: Partial<BrevoSettings> = {}): DeliveryContext<BrevoSettings, BrevoSecrets> => ({
    connection: { settings: { apiBaseUrl: sandbox.url, listIds: [], ...settings }, secrets: { apiKey: sandbox.apiKey } },
    http: createHttpClient({ delaysMs: [10], timeScale: 0.01, outbound: { allowPrivate: true } }),
    object,
    mode: "incremental",
    fields,
    key: fields[0]!,
    runId: "run",
    syncId: "sync",
    startedAt: new Date(),
    records: async function* () {},
  });
  const deliver = async (ctx: DeliveryContext<BrevoSettings, BrevoSecrets>, records: WriteRecord[]) => {
    const state = await brevo.delivery.begin(ctx);
    return (await brevo.delivery.write(ctx, state, records)).results;
  };
  const byKey = (results: RecordResult[]) => Object.fromEntries(results.map((r) => [r.key, r]));

  it("pauses until the reset when x-sib-ratelimit-remaining reaches 0, so the next request is not refused", async () => {
    // Brevo's second lasts 50 ms on both sides; one contact request per second.
    const slow = await startBrevoSandbox({ timeScale: 0.05, limits: { contacts: { perSecond: 1 } } });
    try {
      const ctx = { ...ctxFor("contacts", ["ext_id"]), connection: { settings: { apiBaseUrl: slow.url, listIds: [] }, secrets: { apiKey: slow.apiKey } } };
      ctx.http = createHttpClient({ delaysMs: [10], timeScale: 0.05, outbound: { allowPrivate: true } });
      const started = Date.now();
      for (const key of ["p1", "p2", "p3"]) expect((await deliver(ctx, [{ key, op: "create", payload: { ext_id: key } }]))[0]).toMatchObject({ status: "ok" });
      // Each delivery reads the attributes, then creates: six requests in six windows, none refused.
      expect(slow.log.map((l) => `${l.path} ${l.status} ${l.headers["x-sib-ratelimit-remaining"]}`)).toEqual(Array(3).fill(["/contacts/attributes 200 0", "/contacts 201 0"]).flat());
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    } finally {
      await slow.close();
    }
  });

  it("waits out 425 Too Early and sends the contact again", async () => {
    const ctx = ctxFor("contacts", ["ext_id", "email"]);
    sandbox.configure({ tooEarly: 2 });
    const [result] = await deliver(ctx, [{ key: "t1", op: "create", payload: { ext_id: "t1", email: "early@example.com" } }]);
    expect(result).toMatchObject({ status: "ok", op: "create" });
    expect(sandbox.log.filter((l) => l.method === "POST" && l.path === "/contacts").map((l) => l.status).slice(-3)).toEqual([425, 425, 201]);
  });

  it("reads the legacy 207 batch answer: the ids it did not update are sent alone and created again when gone", async () => {
    const ctx = ctxFor("contacts", ["ext_id", "FIRSTNAME"]);
    const a = sandbox.addContact({ ext_id: "b1" });
    const b = sandbox.addContact({ ext_id: "b2" });
    sandbox.configure({ batch207: true });
    sandbox.contacts.delete(b.id);
    const results = byKey(
      await deliver(ctx, [
        { key: "b1", op: "update", destinationId: String(a.id), payload: { ext_id: "b1", FIRSTNAME: "One" } },
        { key: "b2", op: "update", destinationId: String(b.id), payload: { ext_id: "b2", FIRSTNAME: "Two" } },
      ]),
    );
    sandbox.configure({ batch207: false });
    expect(results.b1).toMatchObject({ status: "ok", op: "update" });
    expect(results.b2).toMatchObject({ status: "ok", op: "create", earlier: [{ op: "update", kind: "not_found" }] });
    expect(sandbox.findContact({ extId: "b2" })!.attributes.FIRSTNAME).toBe("Two");
    expect(sandbox.contacts.get(a.id)!.attributes.FIRSTNAME).toBe("One");
  });

  it("refuses to merge when the clashing identifiers belong to two contacts, and reports Brevo's 405 on delete", async () => {
    const ctx = ctxFor("contacts", ["ext_id", "email"]);
    sandbox.addContact({ ext_id: "m1" });
    sandbox.addContact({ email: "m2@example.com" });
    const [merged] = await deliver(ctx, [{ key: "m1", op: "create", payload: { ext_id: "m1", email: "m2@example.com" } }]);
    expect(merged).toMatchObject({ status: "failed", kind: "duplicate", message: expect.stringMatching(/The identifiers belong to different Brevo contacts \(email: \d+, ext_id: \d+\)/), response: { status: 400 } });

    const kept = sandbox.addContact({ email: "owner@example.com" });
    sandbox.configure({ undeletable: ["owner@example.com"] });
    const [refused] = await deliver(ctx, [{ key: "x", op: "delete", destinationId: String(kept.id) }]);
    expect(refused).toMatchObject({ status: "failed", kind: "rejected", message: "405 method_not_allowed: You're not allowed to delete registered email contact with Brevo" });
  });

  it("fails the run before writing when a mapped attribute no longer exists in Brevo", async () => {
    await expect(brevo.delivery.begin(ctxFor("contacts", ["ext_id", "LOYALTY_TIER"]))).rejects.toThrow(
      new DestinationConfigError("The Brevo account has no contact attribute LOYALTY_TIER any more: create it in Brevo or change the mapping"),
    );
  });
});
