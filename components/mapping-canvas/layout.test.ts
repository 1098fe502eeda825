import { describe, expect, it } from "vitest";
import { COLUMNS, layout, NODE_HEIGHT, ROW } from "./layout";
import type { CanvasState } from "./model";

const columns = ["id", "email", "first_name", "last_name"];
const fields = ["contact_id", "email", "first_name", "source"];
const boxOf = (id: string, at: { x: number; y: number }) => {
  const width = (id.startsWith("col:") ? COLUMNS.column : id.startsWith("dest:") ? COLUMNS.field : COLUMNS.constant).width;
  return { left: at.x, right: at.x + width, top: at.y, bottom: at.y + NODE_HEIGHT };
};

describe("mapping canvas layout", () => {
  it("puts a new constant where it covers no node and no link crossing the middle column", () => {
    const state: CanvasState = {
      links: [
        { source: "col:id", target: "dest:contact_id", transforms: [] },
        { source: "col:last_name", target: "dest:email", transforms: [] },
      ],
      constants: [{ id: "value:1", kind: "value", text: "relay" }],
      matchTo: null,
      positions: { "template:1": { x: COLUMNS.constant.x, y: 0 } },
    };
    const at = layout({ ...state, constants: [...state.constants, { id: "template:1", kind: "template", text: "{email}" }] }, columns, fields);
    const placed = boxOf("value:1", at["value:1"]!);
    expect(placed.left).toBe(COLUMNS.constant.x);
    for (const [id, p] of Object.entries(at)) {
      if (id === "value:1") continue;
      const other = boxOf(id, p);
      expect(placed.right <= other.left || other.right <= placed.left || placed.bottom <= other.top || other.bottom <= placed.top, `${id} is covered`).toBe(true);
    }
    // The link from last_name (row 3) up to email (row 1) spans rows 1–3 of the middle column: the value goes below it.
    expect(placed.top).toBeGreaterThan(3 * ROW + NODE_HEIGHT / 2);
  });

  it("uses the highest free slot, and keeps nodes where the user moved them", () => {
    const state: CanvasState = { links: [{ source: "col:id", target: "dest:contact_id", transforms: [] }], constants: [{ id: "value:1", kind: "value", text: "" }], matchTo: null, positions: { "col:email": { x: 40, y: 500 } } };
    const at = layout(state, columns, fields);
    expect(at["col:email"]).toEqual({ x: 40, y: 500 });
    expect(at["col:first_name"]).toEqual({ x: COLUMNS.column.x, y: 2 * ROW });
    expect(at["value:1"]!.y).toBeGreaterThan(NODE_HEIGHT / 2);
    expect(at["value:1"]!.y).toBeLessThan(ROW + NODE_HEIGHT);
    expect(layout({ ...state, links: [] }, columns, fields)["value:1"]).toEqual({ x: COLUMNS.constant.x, y: 0 });
  });
});
