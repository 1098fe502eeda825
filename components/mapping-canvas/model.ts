/**
 * The mapping canvas edits this state — links from dataset columns or constant nodes to destination
 * fields — and it converts both ways to the domain value the sync stores (Mapping + MatchKey).
 * React Flow's nodes and edges are drawn from it, never stored.
 */
import type { DestinationField } from "@/connectors/types";
import type { DatasetColumn } from "@/lib/datasets/definition";
import type { Mapping, MatchKey, Scalar, Transform } from "@/lib/mapping/schema";

export type Constant = { id: string; kind: "value" | "template"; text: string };
export type Link = { source: string; target: string; transforms: Transform[] };
/** `positions`: where the user moved nodes (by node id); the others are laid out by `layout`. */
export type CanvasState = { links: Link[]; constants: Constant[]; matchTo: string | null; positions?: Record<string, { x: number; y: number }> };

export const columnNode = (name: string) => `col:${name}`;
export const fieldNode = (name: string) => `dest:${name}`;
const nameOf = (id: string) => id.slice(id.indexOf(":") + 1);

/** A static value as typed: numbers, true/false and null are themselves, anything else is text. */
function parseValue(text: string): Scalar {
  const t = text.trim();
  if (t === "null") return null;
  if (t === "true" || t === "false") return t === "true";
  if (t !== "" && /^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return text;
}

export function canvasToSync(state: CanvasState): { mapping: Mapping; matchKey: MatchKey | null } {
  const keyLink = state.matchTo ? state.links.find((l) => l.target === fieldNode(state.matchTo!) && l.source.startsWith("col:")) : undefined;
  const matchKey = keyLink ? { from: nameOf(keyLink.source), to: state.matchTo! } : null;
  const mapping: Mapping = state.links
    .filter((l) => l !== keyLink)
    .map((l) => {
      const to = nameOf(l.target);
      if (l.source.startsWith("col:")) return { from: { field: nameOf(l.source) }, to, transforms: l.transforms };
      const constant = state.constants.find((c) => c.id === l.source)!;
      return { from: constant.kind === "template" ? { template: constant.text } : { value: parseValue(constant.text) }, to, transforms: l.transforms };
    });
  return { mapping, matchKey };
}

export function syncToCanvas(mapping: Mapping, matchKey: MatchKey | null): CanvasState {
  const constants: Constant[] = [];
  const links: Link[] = matchKey ? [{ source: columnNode(matchKey.from), target: fieldNode(matchKey.to), transforms: [] }] : [];
  for (const entry of mapping) {
    if (matchKey && entry.to === matchKey.to) continue;
    let source: string;
    if ("field" in entry.from) source = columnNode(entry.from.field);
    else {
      const kind = "template" in entry.from ? "template" : "value";
      const text = "template" in entry.from ? entry.from.template : entry.from.value === null ? "null" : String(entry.from.value);
      source = `${kind}:${entry.to}`;
      constants.push({ id: source, kind, text });
    }
    links.push({ source, target: fieldNode(entry.to), transforms: entry.transforms });
  }
  return { links, constants, matchTo: matchKey?.to ?? null };
}

/** Connecting a source to a destination field replaces what fed that field before. */
export function connect(state: CanvasState, source: string, target: string): CanvasState {
  const links = [...state.links.filter((l) => l.target !== target), { source, target, transforms: [] }];
  return { ...state, links, matchTo: state.matchTo ?? null };
}

export const disconnect = (state: CanvasState, target: string): CanvasState => ({ ...state, links: state.links.filter((l) => l.target !== target) });

export const setTransforms = (state: CanvasState, target: string, transforms: Transform[]): CanvasState => ({
  ...state,
  links: state.links.map((l) => (l.target === target ? { ...l, transforms } : l)),
});

const normalise = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "");

/** Links every unmapped destination field to the dataset column of the same name (case and separators aside). */
export function autoMap(state: CanvasState, columns: DatasetColumn[], fields: DestinationField[]): CanvasState {
  let next = state;
  for (const field of fields) {
    if (next.links.some((l) => l.target === fieldNode(field.name))) continue;
    const column = columns.find((c) => normalise(c.name) === normalise(field.name));
    if (column) next = connect(next, columnNode(column.name), fieldNode(field.name));
  }
  return { ...next, matchTo: next.matchTo ?? defaultMatchKey(next, fields) };
}

/** The destination key the sync matches records on: the primary key if it is linked, else a linked unique field. */
export function defaultMatchKey(state: CanvasState, fields: DestinationField[]): string | null {
  const linked = (f: DestinationField) => state.links.some((l) => l.target === fieldNode(f.name) && l.source.startsWith("col:"));
  return (fields.find((f) => f.key === "primary" && linked(f)) ?? fields.find((f) => f.key === "unique" && linked(f)))?.name ?? null;
}
