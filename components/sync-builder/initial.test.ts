import { describe, expect, it } from "vitest";
import { canvasToSync } from "@/components/mapping-canvas/model";
import { toStoredFilter } from "@/components/segment-builder/model";
import type { Sync } from "@/lib/db/schema";
import { newSyncInitial, savedSyncInitial } from "./initial";

const stored: Sync = {
  id: "7f1c5a52-51b8-4a0e-9d7f-3c2f0f0a3b11",
  workspaceId: "5b0f9e3e-7a8c-4a53-a0a4-2b7f0b2d3c44",
  name: "NL audience",
  datasetId: "0a8f3c41-5d1e-4f5b-8f0e-1e2d3c4b5a69",
  filter: { type: "group", combinator: "and", children: [{ type: "condition", column: "country", operator: "equals", value: "NL" }, { type: "group", combinator: "or", children: [{ type: "condition", column: "city", operator: "equals", value: "Utrecht" }] }] },
  connectionId: "1b2c3d4e-5f60-4718-9a0b-1c2d3e4f5a6b",
  object: "audience",
  mapping: [{ from: { field: "email" }, to: "email", transforms: [{ type: "lowercase" }] }, { from: { value: "relay" }, to: "source", transforms: [] }],
  matchKey: { from: "id", to: "contact_id" },
  mode: "replace",
  replaceStrategy: "shared_table",
  onLeave: "delete",
  schedule: { type: "cron", cron: "0 6 * * *", timezone: "Europe/Paris" },
  enabled: false,
  alerts: { channelIds: ["2c3d4e5f-6071-4829-8a0b-1c2d3e4f5a6c"], onFailure: false, rejected: { percent: null, count: 25 }, staleHours: 12 },
  consent: { channel: "email" },
  deletionLimit: { percent: null, count: 50 },
  stateKeyComparison: "exact",
  createdAt: new Date(),
  updatedAt: new Date(),
};

describe("the builder's starting state", () => {
  it("opens a saved sync as the same filter, mapping and settings it would save again", () => {
    const initial = savedSyncInitial(stored);
    expect(toStoredFilter(initial.filter)).toEqual(stored.filter);
    expect(canvasToSync(initial.canvas)).toEqual({ mapping: stored.mapping, matchKey: stored.matchKey });
    expect(initial.settings).toEqual({ name: "NL audience", onLeave: "delete", mode: "replace", replaceStrategy: "shared_table", schedule: stored.schedule, enabled: false, alerts: stored.alerts, consent: { channel: "email" }, deletionLimit: { percent: null, count: 50 } });
  });

  it("starts a new sync with no filter, no mapping and a manual schedule", () => {
    const initial = newSyncInitial();
    expect(toStoredFilter(initial.filter)).toBeNull();
    expect(canvasToSync(initial.canvas)).toEqual({ mapping: [], matchKey: null });
    expect(initial.settings.schedule).toEqual({ type: "manual" });
    expect(initial.settings.alerts).toEqual({ channelIds: [], onFailure: true, rejected: { percent: 10, count: null }, staleHours: null });
    expect(initial.settings.deletionLimit).toEqual({ percent: 20, count: 1_000 });
  });
});
