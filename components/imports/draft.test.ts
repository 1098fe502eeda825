import { describe, expect, it } from "vitest";
import { importInputSchema } from "@/lib/sources/schema";
import { changesOf, draftInput, importDraftKey, newImportDraft, parseImportDraft, savedImportDraft } from "./draft";

const saved = {
  name: "Shop customers",
  sourceId: "5b0f9e3e-7a8c-4a53-a0a4-2b7f0b2d3c44",
  read: { type: "query", sql: "SELECT * FROM customers WHERE active" },
  entity: "contacts" as const,
  mapping: [{ column: "mail", field: "email" }, { column: "plan", field: "traits" }],
  keyColumn: "customer_id",
  changes: { type: "cursor", column: "modified_at" },
  onMissing: "mark_deleted",
  schedule: { type: "cron", cron: "0 6 * * *", timezone: "Europe/Paris" },
  enabled: false,
  alerts: { channelIds: ["0a8f3c41-5d1e-4f5b-8f0e-1e2d3c4b5a69"] },
};

describe("the import form's state", () => {
  it("opens a saved import as it was stored, and saves it back the same", () => {
    const input = draftInput(savedImportDraft(saved));
    expect(input).toEqual({ ...saved, alerts: { channelIds: saved.alerts.channelIds } });
    expect(importInputSchema.safeParse(input).success).toBe(true);
  });

  it("finds changes by the suggested cursor column until the user chooses, else by a full comparison", () => {
    const fresh = newImportDraft();
    expect(changesOf(fresh, "updated_at")).toEqual({ type: "cursor", column: "updated_at" });
    expect(changesOf(fresh)).toEqual({ type: "full" });
    expect(changesOf({ ...fresh, changes: { type: "full" } }, "updated_at")).toEqual({ type: "full" });
  });

  it("saves a file import with no cursor and nothing done to disappeared rows, whatever the form held before", () => {
    const files = { type: "files" as const, folder: "/exports", pattern: "contacts-*.csv", badLines: "refuse_file" as const, afterImport: "move" as const };
    const draft = { ...savedImportDraft(saved), read: files };
    const input = draftInput(draft, "modified_at");
    expect(input).toMatchObject({ read: files, changes: { type: "full" }, onMissing: "nothing" });
    expect(importInputSchema.safeParse(input).success).toBe(true);
  });

  it("replaces stored values that no longer read with the form's defaults", () => {
    const draft = savedImportDraft({ ...saved, read: { type: "view" }, changes: null, onMissing: "explode", schedule: { type: "hourly" }, alerts: null });
    expect(draft).toMatchObject({ read: { type: "table", table: "" }, changes: undefined, onMissing: "nothing", schedule: { type: "manual" }, channelIds: [] });
  });

  it("keeps a draft that reads back as it was written, per import, and ignores one that does not read", () => {
    const draft = { ...savedImportDraft(saved), name: "", read: { type: "table" as const, table: "" } };
    expect(parseImportDraft(JSON.stringify(draft))).toEqual(draft);
    expect(parseImportDraft(JSON.stringify(newImportDraft()))).toEqual(newImportDraft());
    expect(importDraftKey()).not.toBe(importDraftKey("i-1"));
    expect(parseImportDraft("{not json")).toBeUndefined();
    expect(parseImportDraft(JSON.stringify({ ...draft, entity: "planets" }))).toBeUndefined();
    expect(parseImportDraft(JSON.stringify({ ...draft, canvas: { links: "col:id" } }))).toBeUndefined();
  });
});
