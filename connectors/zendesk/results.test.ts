import { describe, expect, it } from "vitest";
import type { HttpResponse, WriteRecord } from "../types";
import { describe as describeAnswer, isDuplicate, zendeskLimits } from "./client";
import { baseUrlOf, zendeskSecretsSchema, zendeskSettingsSchema } from "./config";
import { toZendesk } from "./fields";
import { fromJobItem, pairResults, refuseBulk } from "./results";

const answer = (status: number, json: unknown, headers: Record<string, string> = {}): HttpResponse => ({ status, headers: new Headers(headers), text: JSON.stringify(json), json });
const record = (p: Partial<WriteRecord> = {}): WriteRecord => ({ key: "c_1", op: "create", payload: { external_id: "c_1" }, ...p });

describe("Zendesk job results", () => {
  it("maps Created, Updated and Failed items of create_or_update_many to record results", () => {
    expect(fromJobItem(record(), { id: 35436, status: "Created", email: "a@example.com" })).toEqual({ key: "c_1", status: "ok", op: "create", destinationId: "35436" });
    expect(fromJobItem(record({ op: "update", destinationId: "35436" }), { id: 35436, status: "Updated", email: "a@example.com" })).toEqual({
      key: "c_1",
      status: "ok",
      op: "update",
      destinationId: "35436",
    });
    const failed = { id: 2, error: "UserUpdateError", details: "Email: a@b is not properly formatted", status: "Failed" };
    expect(fromJobItem(record(), failed)).toEqual({ key: "c_1", status: "failed", kind: "rejected", message: "UserUpdateError: Email: a@b is not properly formatted", response: { status: 200, body: JSON.stringify(failed) } });
    expect(fromJobItem(record(), { id: 7, error: "UserUpdateError", details: "Email: a@example.com is already being used by another user", status: "Failed" })).toMatchObject({ status: "failed", kind: "duplicate" });
    expect(fromJobItem(record(), undefined)).toMatchObject({ status: "failed", kind: "technical" });
  });

  it("reports Zendesk's own resolution of a planned create (an existing user updated) and of a planned update (a deleted user created) as the one request it was", () => {
    const existing = fromJobItem(record({ op: "create" }), { id: 9, status: "Updated", email: "a@example.com" });
    expect(existing).toEqual({ key: "c_1", status: "ok", op: "update", destinationId: "9" });
    const recreated = fromJobItem(record({ op: "update", destinationId: "5" }), { id: 12, status: "Created", email: "a@example.com" });
    expect(recreated).toEqual({ key: "c_1", status: "ok", op: "create", destinationId: "12" });
  });

  it("pairs results with the records sent in request order, by email when a result belongs to another record", () => {
    const sent = [{ email: "a@example.com" }, { email: "b@example.com" }, { external_id: "x" }];
    const a = { id: 1, status: "Updated", email: "A@example.com" };
    const b = { id: 2, status: "Created", email: "b@example.com" };
    const failed = { id: 3, status: "Failed", error: "UserCreateError", details: "Name: is too short" };
    expect(pairResults(sent, [a, b, failed])).toEqual([a, b, failed]);
    expect(pairResults(sent, [b, a, failed])).toEqual([a, b, failed]);
    expect(pairResults(sent, [a])).toEqual([a, undefined, undefined]);
  });

  it("notes a refused bulk endpoint once per run", () => {
    const once = refuseBulk({}, "users/create_or_update_many", "403 Forbidden", "users/create_or_update");
    expect(once.bulkOff).toEqual(["users/create_or_update_many"]);
    expect(once.notes).toHaveLength(1);
    expect(refuseBulk(once, "users/create_or_update_many", "403 Forbidden", "users/create_or_update")).toBe(once);
  });
});

describe("Zendesk answers", () => {
  it("explains errors with their validation details, and spots DuplicateValue", () => {
    const duplicate = answer(422, { error: "RecordInvalid", description: "Record validation errors", details: { email: [{ description: "Email: x@y.z is already being used by another user", error: "DuplicateValue" }] } });
    expect(describeAnswer(duplicate)).toBe("422 RecordInvalid: Email: x@y.z is already being used by another user");
    expect(isDuplicate(duplicate)).toBe(true);
    expect(isDuplicate(answer(422, { error: "RecordInvalid", details: { name: [{ description: "Name: is too short", error: "BlankValue" }] } }))).toBe(false);
    expect(describeAnswer(answer(401, { error: "Couldn't authenticate you" }))).toBe("401 Couldn't authenticate you");
    expect(describeAnswer(answer(403, { error: "Forbidden", message: "You do not have access to this page." }))).toBe("403 Forbidden: You do not have access to this page.");
    expect(describeAnswer(answer(404, { error: "RecordNotFound", description: "Not found" }))).toBe("404 RecordNotFound: Not found");
  });

  it("pauses until the minute resets when X-Rate-Limit-Remaining reaches 0, and leaves 429s to Retry-After", () => {
    expect(zendeskLimits(answer(200, {}, { "x-rate-limit-remaining": "0", "ratelimit-reset": "12" }))).toEqual({ pauseMs: 12_000 });
    expect(zendeskLimits(answer(200, {}, { "x-rate-limit-remaining": "3", "ratelimit-reset": "12" }))).toBeUndefined();
    expect(zendeskLimits(answer(429, {}, { "x-rate-limit-remaining": "0", "retry-after": "7" }))).toBeUndefined();
  });
});

describe("Zendesk settings and payloads", () => {
  it("validates the subdomain and email, and builds the base URL from the subdomain unless overridden", () => {
    const settings = zendeskSettingsSchema.parse({ subdomain: " Acme ", email: "ops@acme.com" });
    expect(baseUrlOf(settings)).toBe("https://acme.zendesk.com");
    expect(baseUrlOf({ ...settings, apiBaseUrl: "http://127.0.0.1:9999/" })).toBe("http://127.0.0.1:9999");
    expect(zendeskSettingsSchema.safeParse({ subdomain: "acme.zendesk.com", email: "ops@acme.com" }).error?.issues[0]?.message).toBe("Enter your Zendesk subdomain: the “acme” of acme.zendesk.com");
    expect(zendeskSettingsSchema.safeParse({ subdomain: "acme", email: "ops" }).success).toBe(false);
    expect(zendeskSecretsSchema.safeParse({ apiToken: " " }).error?.issues[0]?.message).toMatch(/^Enter an API token/);
  });

  it("gathers custom fields under user_fields / organization_fields", () => {
    expect(toZendesk("users", { external_id: 42, name: "Ada", "user_fields.plan": "plan_pro", "user_fields.vip": true })).toEqual({ external_id: "42", name: "Ada", user_fields: { plan: "plan_pro", vip: true } });
    expect(toZendesk("organizations", { name: "Acme", "organization_fields.segment": "smb", "user_fields.x": 1 })).toEqual({ name: "Acme", "user_fields.x": 1, organization_fields: { segment: "smb" } });
  });
});
