import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createHttpClient } from "@/lib/http/client";
import { scaledClock } from "@/lib/http/context";
import { manualClock } from "@/test/clock";
import { DestinationConfigError, type DeliveryContext, type HttpClient, type HttpRequest, type HttpResponse, type RecordResult, type WriteRecord } from "../types";
import { contactFields, convertValue, toContact } from "./attributes";
import { brevoLimits, credentialsProblem, isDuplicate } from "./client";
import { type BrevoSecrets, type BrevoSettings, brevoSettingsSchema, onLeaveOf } from "./config";
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

describe("the on-leave setting", () => {
  it("takes contacts off the lists when lists are set, deletes them when none are, and refuses remove_from_lists without lists", () => {
    const parse = (settings: Record<string, unknown>) => brevoSettingsSchema.safeParse(settings);
    expect(onLeaveOf(parse({ listIds: [2, 7] }).data!)).toBe("remove_from_lists");
    expect(onLeaveOf(parse({}).data!)).toBe("delete_contact");
    expect(onLeaveOf(parse({ listIds: [2], onLeave: "delete_contact" }).data!)).toBe("delete_contact");
    // Stored before the setting existed: the same default.
    expect(onLeaveOf({ listIds: [2] })).toBe("remove_from_lists");
    expect(parse({ onLeave: "remove_from_lists" }).error?.issues).toEqual([
      expect.objectContaining({ path: ["onLeave"], message: "remove_from_lists needs at least one list in listIds: name the lists, or choose delete_contact" }),
    ]);
    expect(parse({ listIds: [2], onLeave: "unsubscribe" }).error?.issues[0]?.message).toBe('Choose "remove_from_lists" or "delete_contact"');
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
describe("the Brevo sandbox's clock", () => {
  it("counts its rate windows from its own start, so an hour's budget is not refilled by a wall-clock boundary mid-test", async () => {
    // Brevo's hour lasts 36 s here; start 5 ms before a multiple of 36 s on the wall clock.
    vi.useFakeTimers({ toFake: ["Date"], now: 36_000 * 50_000_000 - 5 });
    const sandbox = await startBrevoSandbox({ timeScale: 0.01, limits: { contacts: { perHour: 2 } } });
    try {
      const call = () => fetch(`${sandbox.url}/contacts/attributes`, { headers: { "api-key": sandbox.apiKey } }).then((r) => r.status);
      expect([await call(), await call()]).toEqual([200, 200]);
      vi.setSystemTime(36_000 * 50_000_000 + 5);
      expect(await call()).toBe(429);
    } finally {
      vi.useRealTimers();
      await sandbox.close();
    }
  });
});

describe("delivering to the Brevo sandbox", () => {
  let sandbox: BrevoSandbox;
  beforeAll(async () => (sandbox = await startBrevoSandbox({ timeScale: 0.01 })));
  afterAll(() => sandbox.close());

  const ctxFor = (object: string, fields: string[], settings: Partial<BrevoSettings> = {}): DeliveryContext<BrevoSettings, BrevoSecrets> => ({
    connection: { settings: { apiBaseUrl: sandbox.url, listIds: [], ...settings }, secrets: { apiKey: sandbox.apiKey } },
    http: createHttpClient({ delaysMs: [10], timeScale: 0.01, outbound: { allowPrivate: true } }),
    clock: scaledClock(0.01),
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

  it("takes leaving contacts off each list, 150 at a time, by email or ext_id when the Brevo id is unknown; not in the list counts as done", async () => {
    const ctx = ctxFor("contacts", ["email"], { listIds: [2, 7] });
    const members = Array.from({ length: 160 }, (_, i) => sandbox.addContact({ email: `leave${i}@example.com`, listIds: i % 2 ? [2] : [2, 7] }));
    const records: WriteRecord[] = [...members.map((c) => ({ key: c.email!, op: "delete" as const })), { key: "never-there@example.com", op: "delete" }];
    const before = sandbox.log.length;
    const state = await brevo.delivery.begin(ctx);
    const written = await brevo.delivery.write(ctx, state, records);
    expect(written.results).toHaveLength(161);
    expect(written.results.every((r) => r.status === "ok" && r.op === "delete")).toBe(true);
    const calls = sandbox.log.slice(before).filter((l) => l.path.endsWith("/remove"));
    expect(calls.map((l) => `${l.path} ${l.status} ${(l.body as { emails: string[] }).emails.length}`).sort()).toEqual([
      "/contacts/lists/2/contacts/remove 201 11",
      "/contacts/lists/2/contacts/remove 201 150",
      "/contacts/lists/7/contacts/remove 201 11",
      "/contacts/lists/7/contacts/remove 201 150",
    ]);
    expect(members.every((c) => sandbox.contacts.get(c.id)?.listIds.length === 0)).toBe(true);
    expect(await brevo.delivery.commit(ctx, written.state)).toEqual({ message: "161 contacts that left were taken off lists 2, 7 and kept in Brevo." });

    // Keyed on ext_id: extIds. Nobody of the call in the list: Brevo's 400 "… and/or does not exist" is done too.
    const ext = sandbox.addContact({ ext_id: "leave-ext", listIds: [2, 7] });
    const byExt = await deliver(ctxFor("contacts", ["ext_id"], { listIds: [2, 7] }), [{ key: "leave-ext", op: "delete" }]);
    expect(byExt).toEqual([{ key: "leave-ext", status: "ok", op: "delete" }]);
    expect(sandbox.contacts.get(ext.id)!.listIds).toEqual([]);
    expect(sandbox.log.at(-1)!.body).toEqual({ extIds: ["leave-ext"] });
    const again = await deliver(ctxFor("contacts", ["ext_id"], { listIds: [2] }), [{ key: "leave-ext", op: "delete" }]);
    expect(again).toEqual([{ key: "leave-ext", status: "ok", op: "delete" }]);
    expect(sandbox.log.at(-1)!.status).toBe(400);
    expect(sandbox.contacts.has(ext.id)).toBe(true);
  });

  it("looks up by SMS a leaving contact without a Brevo id, and stops the run on a list Brevo does not have", async () => {
    const phone = sandbox.addContact({ attributes: { SMS: "+33612345678" }, listIds: [2] });
    const ctx = ctxFor("contacts", ["SMS"], { listIds: [2] });
    const results = byKey(await deliver(ctx, [{ key: "+33612345678", op: "delete" }, { key: "+33600000000", op: "delete" }]));
    expect(results["+33612345678"]).toEqual({ key: "+33612345678", status: "ok", op: "delete" });
    expect(results["+33600000000"]).toEqual({ key: "+33600000000", status: "ok", op: "delete" });
    expect(sandbox.contacts.get(phone.id)!.listIds).toEqual([]);
    expect(sandbox.log.slice(-3).map((l) => `${l.method} ${l.path}${l.query} ${l.status}`).sort()).toEqual([
      "GET /contacts/%2B33600000000?identifierType=phone_id 404",
      "GET /contacts/%2B33612345678?identifierType=phone_id 200",
      "POST /contacts/lists/2/contacts/remove 201",
    ]);

    const unknownList = ctxFor("contacts", ["ext_id"], { listIds: [2, 99] });
    await expect(deliver(unknownList, [{ key: "x", op: "delete", destinationId: String(phone.id) }])).rejects.toThrow(
      new DestinationConfigError("Brevo has no list 99 (404 document_not_found: List ID does not exist): take it out of the connection's lists, or create it in Brevo"),
    );
    // Saved with remove_from_lists but no list (settings kept from before the rule): the run stops before writing.
    await expect(brevo.delivery.begin(ctxFor("contacts", ["ext_id"], { onLeave: "remove_from_lists" }))).rejects.toThrow(
      new DestinationConfigError("On leave remove_from_lists needs at least one list: name the connection's lists, or choose delete_contact"),
    );
  });

  it("marks a product that leaves as deleted at the connector's clock time", async () => {
    const ctx = { ...ctxFor("products", ["id", "name"]), clock: manualClock(Date.parse("2026-03-01T12:00:00Z")) };
    await deliver(ctx, [{ key: "p_clock", op: "create", payload: { id: "p_clock", name: "Clock" } }]);
    expect(await deliver(ctx, [{ key: "p_clock", op: "delete", destinationId: "p_clock" }])).toEqual([{ key: "p_clock", status: "ok", op: "delete" }]);
    expect(sandbox.products.get("p_clock")).toMatchObject({ deletedAt: "2026-03-01T12:00:00.000Z" });
  });

  it("fails the run before writing when a mapped attribute no longer exists in Brevo", async () => {
    await expect(brevo.delivery.begin(ctxFor("contacts", ["ext_id", "LOYALTY_TIER"]))).rejects.toThrow(
      new DestinationConfigError("The Brevo account has no contact attribute LOYALTY_TIER any more: create it in Brevo or change the mapping"),
    );
  });
});

/** Brevo's answers to the list calls, scripted: what each refusal means for each leaving contact. */
describe("reading Brevo's answers to taking contacts off a list", () => {
  const ctxWith = (http: HttpClient, listIds = [2]): DeliveryContext<BrevoSettings, BrevoSecrets> => ({
    connection: { settings: { apiBaseUrl: "https://api.brevo.test/v3", listIds }, secrets: { apiKey: "xkeysib-x" } },
    http,
    clock: scaledClock(1),
    object: "contacts",
    mode: "incremental",
    fields: ["email"],
    key: "email",
    runId: "run",
    syncId: "sync",
    startedAt: new Date(),
    records: async function* () {},
  });
  const leaving = (...emails: string[]): WriteRecord[] => emails.map((key) => ({ key, op: "delete" }));
  const write = async (http: HttpClient, records: WriteRecord[]) => Object.fromEntries((await brevo.delivery.write(ctxWith(http), { types: {} }, records)).results.map((r) => [r.key, r]));

  it("narrows a refused call down to the contact Brevo refuses; the others are done", async () => {
    const sent: string[][] = [];
    const http = async (req: HttpRequest) => {
      const emails = (req.body as { emails: string[] }).emails;
      sent.push(emails);
      return emails.includes("bad") ? answer(400, { code: "invalid_parameter", message: "Invalid email address" }) : answer(201, { contacts: { success: emails, failure: [] } });
    };
    const results = await write(http, leaving("a@x.co", "bad", "c@x.co"));
    expect(results.bad).toMatchObject({ status: "failed", kind: "rejected", message: "Brevo did not take the contact off list 2: 400 invalid_parameter: Invalid email address", response: { status: 400 } });
    expect([results["a@x.co"], results["c@x.co"]]).toEqual([{ key: "a@x.co", status: "ok", op: "delete" }, { key: "c@x.co", status: "ok", op: "delete" }]);
    expect(sent).toEqual([["a@x.co", "bad", "c@x.co"], ["a@x.co", "bad"], ["a@x.co"], ["bad"], ["c@x.co"]]);
  });

  it("counts 'not in the list' as done, reports other refusals per contact, and stops on a refused key", async () => {
    const notInList = await write(async () => answer(400, { code: "invalid_parameter", message: "Contact already in list and/or does not exist" }), leaving("a@x.co", "b@x.co"));
    expect(Object.values(notInList).map((r) => r.status)).toEqual(["ok", "ok"]);
    const failureList = await write(async () => answer(201, { contacts: { success: [], failure: ["a@x.co"] } }), leaving("a@x.co"));
    expect(failureList["a@x.co"]).toEqual({ key: "a@x.co", status: "ok", op: "delete" });

    const refused = await write(async () => answer(405, { code: "method_not_allowed", message: "Not allowed" }), leaving("a@x.co", "b@x.co"));
    expect(Object.values(refused).map((r) => r.status === "failed" && r.kind)).toEqual(["rejected", "rejected"]);
    const unreachable = await write(async () => Promise.reject(new Error("POST /v3/contacts/lists/2/contacts/remove answered 502 (after 3 attempts)")), leaving("a@x.co"));
    expect(unreachable["a@x.co"]).toMatchObject({ status: "failed", kind: "technical", message: "POST /v3/contacts/lists/2/contacts/remove answered 502 (after 3 attempts)" });
    await expect(write(async () => answer(401, { code: "unauthorized", message: "Key not found" }), leaving("a@x.co"))).rejects.toBeInstanceOf(DestinationConfigError);
  });
});
