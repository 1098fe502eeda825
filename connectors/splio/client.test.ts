import { describe, expect, it } from "vitest";
import type { HttpResponse } from "../types";
import { isAlreadyExists, splioLimits, splioMessage } from "./client";
import { describeFields, splioBody, splioDate } from "./fields";

const answer = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers: new Headers(headers),
  text: JSON.stringify(body),
  json: body,
});

describe("Splio's answers", () => {
  it("words each documented error shape with Splio's own description", () => {
    expect(splioMessage(answer(400, { status: 400, errors: [{ error_key: "username", error: "authentication.failed", error_description: "User authentication failed." }] }))).toBe(
      "400: User authentication failed. (username: authentication.failed)",
    );
    expect(splioMessage(answer(401, "Authentication failed."))).toBe("401: Authentication failed.");
    expect(splioMessage(answer(429, { message: "API rate limit exceeded" }))).toBe("429: API rate limit exceeded");
    // The 503 quirk: errors is an object, not an array.
    expect(splioMessage(answer(503, { status: 503, errors: { error_key: null, error: "internal_error", error_description: "An internal error occurred." } }))).toBe(
      "503: An internal error occurred. (internal_error)",
    );
    expect(splioMessage(answer(502, undefined))).toBe("Splio answered 502");
  });

  it("recognises the three ways Splio says a record exists", () => {
    expect(isAlreadyExists("contact with unique key test_existing already exists", "wrong_value")).toBe(true);
    expect(isAlreadyExists("Contact with unique key x already exists")).toBe(true);
    expect(isAlreadyExists("Another product already exists with external_id test.", "already_exists")).toBe(true);
    expect(isAlreadyExists("Order with external_id test already exists.", "wrong_value")).toBe(true);
    expect(isAlreadyExists("Individual not found for identifier {x}", "wrong_value")).toBe(false);
  });

  it("waits out a 429 until the bucket resets, and pauses when an answer empties the bucket", () => {
    expect(splioLimits(answer(429, { message: "API rate limit exceeded" }, { "RateLimit-Reset": "7", "RateLimit-Remaining": "0" }))).toEqual({ retryAfterMs: 7_000 });
    expect(splioLimits(answer(429, { message: "API rate limit exceeded" }))).toEqual({ retryAfterMs: 1_000 });
    expect(splioLimits(answer(200, {}, { "ratelimit-remaining": "0", "ratelimit-reset": "2" }))).toEqual({ pauseMs: 2_000 });
    expect(splioLimits(answer(200, {}, { "ratelimit-remaining": "3", "ratelimit-reset": "1" }))).toBeUndefined();
    expect(splioLimits(answer(200, {}))).toBeUndefined();
  });
});

describe("Splio's fields", () => {
  const elements = [
    { intid: null, id: 0, is_system: true, name: "ext_id", label: "External ID" },
    { intid: 1, id: 1, is_system: false, name: "civility", label: "Civility" },
    { intid: 2, id: 2, is_system: false, name: "email", label: "email" },
    { intid: 3, id: 3, is_system: false, name: "loyalty_id", label: "loyalty_id" },
  ];

  it("marks the universe's unique key, names custom fields as Splio does, and cN when the name is taken", () => {
    const byEmail = describeFields("contacts", elements, "email");
    expect(byEmail.key).toBe("email");
    expect(byEmail.fields[0]).toMatchObject({ name: "email", key: "primary", required: true, nullable: false });
    expect(byEmail.custom).toEqual({ civility: 1, c2: 2, loyalty_id: 3 });
    expect(byEmail.fields.find((f) => f.name === "civility")).toMatchObject({ type: "string", required: false, description: "Custom field c1 (Civility)" });
    expect(byEmail.fields.some((f) => f.name === "ext_id")).toBe(false);

    const byCustom = describeFields("contacts", elements, "c3");
    expect(byCustom.key).toBe("loyalty_id");
    expect(byCustom.fields.filter((f) => f.key)).toEqual([expect.objectContaining({ name: "loyalty_id", key: "primary", required: true })]);
    expect(byCustom.fields.find((f) => f.name === "email")?.key).toBeUndefined();
  });

  it("requires what orders require and keys products and orders on external_id", () => {
    const orders = describeFields("orders", []);
    expect(orders.fields.filter((f) => f.required).map((f) => f.name)).toEqual(["external_id", "contact_id", "store_external_id"]);
    expect(orders.fields.find((f) => f.name === "ordered_at")?.type).toBe("datetime");
    expect(describeFields("products", []).fields.find((f) => f.key)).toMatchObject({ name: "external_id", key: "primary" });
  });

  it("builds Splio's body: standard fields typed, custom fields by id as strings, dates as YYYY-MM-DD HH:MM:SS", () => {
    const fields = describeFields("contacts", elements, "email");
    const payload = { email: "a@b.co", firstname: null, creation_date: "2026-01-02T03:04:05.000000Z", civility: "mr", c2: 42, unknown_field: true };
    expect(splioBody("contacts", fields, payload)).toEqual({
      email: "a@b.co",
      firstname: "",
      creation_date: "2026-01-02 03:04:05",
      custom_fields: [
        { id: 1, value: "mr" },
        { id: 2, value: "42" },
        { name: "unknown_field", value: "true" },
      ],
    });
    expect(splioBody("contacts", fields, payload, ["email"])).not.toHaveProperty("email");
    expect(splioBody("orders", { custom: {} }, { external_id: "o1", total_price: "12.50", completed: null, ordered_at: "2026-05-01" })).toEqual({
      external_id: "o1",
      total_price: 12.5,
      ordered_at: "2026-05-01 00:00:00",
    });
    expect(splioDate("not a date")).toBe("not a date");
  });
});
