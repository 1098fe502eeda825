import { describe, expect, it } from "vitest";
import type { DestinationField } from "@/connectors/types";
import { mappingSchema } from "@/lib/mapping/schema";
import { autoMap, type CanvasState, canvasToSync, connect, disconnect, setTransforms, syncToCanvas } from "./model";

const fields: DestinationField[] = [
  { name: "customer_id", type: "string", required: true, nullable: false, key: "primary" },
  { name: "Email", type: "string", required: false, nullable: true, key: "unique" },
  { name: "full_name", type: "string", required: false, nullable: true },
  { name: "source", type: "string", required: false, nullable: true },
  { name: "score", type: "number", required: false, nullable: true },
];
const columns = [
  { name: "id", type: "string" as const },
  { name: "email", type: "string" as const },
  { name: "first_name", type: "string" as const },
];

describe("mapping canvas ↔ mapping", () => {
  it("turns drawn links, a static value and a template into the stored mapping and match key", () => {
    let state: CanvasState = { links: [], constants: [{ id: "value:1", kind: "value", text: "relay" }, { id: "template:1", kind: "template", text: "{first_name}!" }, { id: "value:2", kind: "value", text: "42" }], matchTo: null };
    state = connect(state, "col:id", "dest:customer_id");
    state = connect(state, "col:first_name", "dest:Email");
    state = connect(state, "col:email", "dest:Email");
    state = setTransforms(state, "dest:Email", [{ type: "lowercase" }]);
    state = connect(state, "value:1", "dest:source");
    state = connect(state, "template:1", "dest:full_name");
    state = connect(state, "value:2", "dest:score");
    state = { ...state, matchTo: "customer_id" };
    const { mapping, matchKey } = canvasToSync(state);
    expect(matchKey).toEqual({ from: "id", to: "customer_id" });
    expect(mapping).toEqual([
      { from: { field: "email" }, to: "Email", transforms: [{ type: "lowercase" }] },
      { from: { value: "relay" }, to: "source", transforms: [] },
      { from: { template: "{first_name}!" }, to: "full_name", transforms: [] },
      { from: { value: 42 }, to: "score", transforms: [] },
    ]);
    expect(mappingSchema.safeParse(mapping).success).toBe(true);
    expect(canvasToSync(disconnect(state, "dest:score")).mapping.map((m) => m.to)).toEqual(["Email", "source", "full_name"]);
  });

  it("draws a saved mapping back as the same canvas", () => {
    const mapping = mappingSchema.parse([
      { from: { field: "email" }, to: "Email", transforms: [{ type: "trim" }] },
      { from: { value: null }, to: "score" },
      { from: { template: "{first_name}" }, to: "full_name" },
    ]);
    const matchKey = { from: "id", to: "customer_id" };
    const state = syncToCanvas(mapping, matchKey);
    expect(state.constants).toEqual([
      { id: "value:score", kind: "value", text: "null" },
      { id: "template:full_name", kind: "template", text: "{first_name}" },
    ]);
    expect(state.links.map((l) => `${l.source}→${l.target}`)).toEqual(["col:id→dest:customer_id", "col:email→dest:Email", "value:score→dest:score", "template:full_name→dest:full_name"]);
    expect(canvasToSync(state)).toEqual({ mapping, matchKey });
  });

  it("auto-maps fields by name and picks the primary key to match on", () => {
    const state = autoMap({ links: [], constants: [], matchTo: null }, [...columns, { name: "customer_id", type: "string" }], fields);
    expect(state.links.map((l) => `${l.source}→${l.target}`)).toEqual(["col:customer_id→dest:customer_id", "col:email→dest:Email"]);
    expect(state.matchTo).toBe("customer_id");
  });
});
