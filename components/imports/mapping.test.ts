import { describe, expect, it } from "vitest";
import { autoMap, connect } from "@/components/mapping-canvas/model";
import { importInputSchema } from "@/lib/sources/schema";
import { canvasColumns, canvasToImport, entityTargets, importToCanvas, sourceColumnType, tidyCanvas } from "./mapping";

const columns = [
  { name: "customer_id", type: "integer" },
  { name: "email", type: "character varying" },
  { name: "first_name", type: "text" },
  { name: "plan", type: "text" },
  { name: "updated_at", type: "timestamp with time zone" },
];

describe("an import's mapping on the canvas", () => {
  it("offers the entity's id, its writable fields and one trait per column it has no field for", () => {
    const targets = entityTargets("contacts", columns);
    expect(targets[0]).toMatchObject({ name: "id", key: "primary", required: true });
    expect(targets.map((t) => t.name)).toEqual(["id", "email", "first_name", "last_name", "phone", "country", "city", "birth_date", "customer_id", "plan", "updated_at"]);
    expect(targets.filter((t) => t.description === "trait").map((t) => t.name)).toEqual(["customer_id", "plan", "updated_at"]);
  });

  it("reads database types as the kinds of values the canvas shows", () => {
    expect(canvasColumns(columns).map((c) => [c.type, c.integer])).toEqual([["number", true], ["string", undefined], ["string", undefined], ["string", undefined], ["datetime", undefined]]);
    expect(sourceColumnType("numeric(12,2)")).toEqual({ type: "number" });
    expect(sourceColumnType("tinyint")).toEqual({ type: "number", integer: true });
    expect(sourceColumnType("date")).toEqual({ type: "date" });
    expect(sourceColumnType("boolean")).toEqual({ type: "boolean" });
  });

  it("turns drawn links into the key column, entity fields and traits the import stores, and back", () => {
    let state = autoMap({ links: [], constants: [], matchTo: null }, canvasColumns(columns), entityTargets("contacts", columns));
    state = tidyCanvas(connect(state, "col:customer_id", "dest:id"), "contacts");
    const stored = canvasToImport(state, "contacts");
    expect(stored.keyColumn).toBe("customer_id");
    expect(stored.mapping).toEqual([
      { column: "email", field: "email" },
      { column: "first_name", field: "first_name" },
      { column: "customer_id", field: "traits" },
      { column: "plan", field: "traits" },
      { column: "updated_at", field: "traits" },
    ]);
    const input = { name: "CRM", sourceId: "5b0f9e3e-7a8c-4a53-a0a4-2b7f0b2d3c44", read: { type: "table", table: "customers" }, entity: "contacts", changes: { type: "full" }, schedule: { type: "manual" }, ...stored };
    expect(importInputSchema.safeParse(input).success).toBe(true);
    expect(canvasToImport(importToCanvas({ entity: "contacts", mapping: stored.mapping, keyColumn: stored.keyColumn }), "contacts")).toEqual(stored);
  });

  it("keeps a trait named after its column: a link from another column into it is dropped", () => {
    const state = tidyCanvas(connect(importToCanvas({ entity: "contacts", mapping: [], keyColumn: "customer_id" }), "col:email", "dest:plan"), "contacts");
    expect(state.links.map((l) => l.target)).toEqual(["dest:id"]);
    expect(state.matchTo).toBe("id");
    expect(tidyCanvas({ links: [], constants: [], matchTo: "id" }, "contacts").matchTo).toBeNull();
  });

  it("lands a column in one place: linking it to a field replaces its trait, while the key column may also be a trait", () => {
    let state = importToCanvas({ entity: "contacts", mapping: [{ column: "born", field: "traits" }, { column: "customer_id", field: "traits" }], keyColumn: "customer_id" });
    state = tidyCanvas(connect(state, "col:born", "dest:birth_date"), "contacts");
    expect(canvasToImport(state, "contacts")).toEqual({ keyColumn: "customer_id", mapping: [{ column: "customer_id", field: "traits" }, { column: "born", field: "birth_date" }] });
  });
});
