import { describe, expect, it } from "vitest";
import { httpApiSettingsSchema } from "./config";

const base = { baseUrl: "https://api.example.com/v1", fields: [{ name: "email", key: "unique" }], update: { path: "/contacts/{id}" } };

describe("HTTP API settings", () => {
  it("take the batch options with batch creates, with their defaults", () => {
    const parsed = httpApiSettingsSchema.parse({ ...base, create: { path: "/contacts/batch", body: "batch", resultsPointer: "/results", keyPointer: "/external_id", singlePath: "/contacts" } });
    expect(parsed.create).toEqual({
      method: "POST",
      path: "/contacts/batch",
      body: "batch",
      batchSize: 100,
      idPointer: "/id",
      resultsPointer: "/results",
      statusPointer: "/status",
      keyPointer: "/external_id",
      singlePath: "/contacts",
    });
  });

  it("refuse batch options on single creates, and malformed pointers and paths, saying which and why", () => {
    const single = httpApiSettingsSchema.safeParse({ ...base, create: { path: "/contacts", keyPointer: "/external_id", singlePath: "/contacts/one" } });
    expect(single.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["create.keyPointer", 'keyPointer applies to batch creates: set body to "batch" or remove it'],
      ["create.singlePath", 'singlePath applies to batch creates: set body to "batch" or remove it'],
    ]);
    const malformed = httpApiSettingsSchema.safeParse({ ...base, create: { path: "/contacts/batch", body: "batch", statusPointer: "status", singlePath: "contacts" } });
    expect(malformed.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["create.statusPointer", 'A JSON pointer such as "/id" or "/data/0/id"'],
      ["create.singlePath", "A path starts with /"],
    ]);
  });
});
