/** The sync builder's unsaved work, kept in the browser's local storage so Back, Reload or a crashed tab lose nothing. */
import { z } from "zod";
import { transformSchema } from "@/lib/mapping/schema";
import type { FilterGroup } from "@/lib/segment/schema";
import type { BuilderInitial, Settings } from "./types";

export type Draft = Omit<BuilderInitial, "id">;

/** Drafts are per sync ("new" for one not saved yet) and per format, so an older app's draft is never misread. */
export const draftKey = (syncId?: string) => `relay:sync-draft:v1:${syncId ?? "new"}`;

const linkSchema = z.object({ source: z.string(), target: z.string(), transforms: z.array(transformSchema) });
const constantSchema = z.object({ id: z.string(), kind: z.enum(["value", "template"]), text: z.string() });
// A draft may hold a segment or settings still being filled in: their shape is checked here, their values when saved.
const draftSchema = z.object({
  datasetId: z.string().optional(),
  filter: z.looseObject({ type: z.literal("group"), combinator: z.enum(["and", "or"]), children: z.array(z.looseObject({ type: z.enum(["group", "condition"]) })) }),
  connectionId: z.string().optional(),
  object: z.string().optional(),
  canvas: z.object({ links: z.array(linkSchema), constants: z.array(constantSchema), matchTo: z.string().nullable(), positions: z.record(z.string(), z.object({ x: z.number(), y: z.number() })).optional() }),
  settings: z.looseObject({ name: z.string(), mode: z.string(), schedule: z.looseObject({ type: z.string() }) }),
});

/** The same JSON whatever the order of keys: what tells a draft from the saved sync. */
const canonical = (value: unknown): unknown =>
  Array.isArray(value) ? value.map(canonical) : value && typeof value === "object" ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, canonical(v)])) : value;
export const sameDraft = (a: Draft, b: Draft) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

/** The kept draft, or nothing when the text does not read as one (a draft of another version, a broken write). */
export function parseDraft(text: string): Draft | undefined {
  const parsed = draftSchema.safeParse(safeJson(text));
  if (!parsed.success) return undefined;
  const { filter, settings, ...rest } = parsed.data;
  return { ...rest, filter: filter as FilterGroup, settings: settings as unknown as Settings };
}

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};
