/**
 * Where the mapping canvas draws its nodes: dataset fields on the left, destination fields on the right,
 * static values and templates in the column between, each where the user last dropped it.
 */
import { type CanvasState, columnNode, fieldNode } from "./model";

export type XY = { x: number; y: number };
type Box = XY & { width: number; height: number };

export const ROW = 44;
/** Each kind of node's column and size (the sizes match the nodes' CSS widths and their drawn height). */
export const COLUMNS = { column: { x: 0, width: 208 }, constant: { x: 290, width: 224 }, field: { x: 580, width: 240 } } as const;
export const NODE_HEIGHT = 34;
const GAP = 10;

const overlaps = (a: number, aEnd: number, b: number, bEnd: number) => a < bEnd && b < aEnd;

/**
 * The highest free slot of a column for a new node: one whose box covers no other node and no link that
 * crosses the column (a link spans the heights between its two handles).
 */
export function freeSlot(boxes: Box[], links: [Box, Box][], slot: { x: number; width: number; height: number }): XY {
  const right = slot.x + slot.width;
  const spans = links
    .filter(([a, b]) => overlaps(Math.min(a.x + a.width, b.x), Math.max(a.x + a.width, b.x), slot.x, right))
    .map(([a, b]) => [Math.min(a.y, b.y) + a.height / 2, Math.max(a.y, b.y) + b.height / 2] as const);
  const inColumn = boxes.filter((b) => overlaps(b.x, b.x + b.width, slot.x, right)).map((b) => [b.y, b.y + b.height] as const);
  const taken = [...spans, ...inColumn];
  const candidates = [0, ...taken.map(([, end]) => Math.ceil(end + GAP))].sort((a, b) => a - b);
  const y = candidates.find((top) => taken.every(([start, end]) => !overlaps(top - GAP / 2, top + slot.height + GAP / 2, start, end)))!;
  return { x: slot.x, y };
}

/** Every node's position: the user's where they moved it, else its row in its column; unplaced constants go to free slots. */
export function layout(state: CanvasState, columnNames: string[], fieldNames: string[]): Record<string, XY> {
  const at: Record<string, XY> = {};
  columnNames.forEach((name, i) => (at[columnNode(name)] = state.positions?.[columnNode(name)] ?? { x: COLUMNS.column.x, y: i * ROW }));
  fieldNames.forEach((name, i) => (at[fieldNode(name)] = state.positions?.[fieldNode(name)] ?? { x: COLUMNS.field.x, y: i * ROW }));
  const widthOf = (id: string) => (id.startsWith("col:") ? COLUMNS.column : id.startsWith("dest:") ? COLUMNS.field : COLUMNS.constant).width;
  const box = (id: string): Box => ({ ...at[id]!, width: widthOf(id), height: NODE_HEIGHT });
  for (const c of state.constants) if (state.positions?.[c.id]) at[c.id] = state.positions[c.id]!;
  for (const c of state.constants) {
    if (at[c.id]) continue;
    const drawn = state.links.filter((l) => at[l.source] && at[l.target]).map((l): [Box, Box] => [box(l.source), box(l.target)]);
    at[c.id] = freeSlot(Object.keys(at).map(box), drawn, { ...COLUMNS.constant, height: NODE_HEIGHT });
  }
  return at;
}
