import { describe, expect, it } from "vitest";
import { sameJson as sameDraft } from "@/components/drafts/local-draft";
import { draftKey, parseDraft } from "./draft";
import { newSyncInitial } from "./initial";

const draft = { ...newSyncInitial("ds-1"), connectionId: "c-1", object: "audience", canvas: { links: [{ source: "col:id", target: "dest:id", transforms: [{ type: "trim" as const }] }], constants: [], matchTo: "dest:id", positions: { "col:id": { x: 12, y: 300 } } } };

describe("a kept sync draft", () => {
  it("reads back as it was written, under a key per sync", () => {
    expect(parseDraft(JSON.stringify(draft))).toEqual(draft);
    expect(draftKey()).not.toBe(draftKey("s-1"));
  });

  it("is not read when it is not a draft, so the builder starts from the sync", () => {
    expect(parseDraft("{not json")).toBeUndefined();
    expect(parseDraft(JSON.stringify({ ...draft, canvas: { links: "col:id" } }))).toBeUndefined();
    expect(parseDraft(JSON.stringify({ ...draft, canvas: { ...draft.canvas, links: [{ source: "col:id", target: "dest:id", transforms: [{ type: "explode" }] }] } }))).toBeUndefined();
  });

  it("is the same as the sync whatever the order of its keys, and differs by any value", () => {
    const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(draft).reverse())));
    expect(sameDraft(reordered, draft)).toBe(true);
    expect(sameDraft({ ...draft, settings: { ...draft.settings, name: "Renamed" } }, draft)).toBe(false);
  });
});
