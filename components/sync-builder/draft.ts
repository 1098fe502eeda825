/** The sync builder's unsaved work, kept in the browser's local storage so Back, Reload or a crashed tab lose nothing. */
import { z } from "zod";
import { canvasDraftSchema, readJson } from "@/components/drafts/local-draft";
import type { FilterGroup } from "@/lib/segment/schema";
import type { BuilderInitial, Settings } from "./types";

export type Draft = Omit<BuilderInitial, "id">;

/** Drafts are per sync ("new" for one not saved yet) and per format, so an older app's draft is never misread. */
export const draftKey = (syncId?: string) => `relay:sync-draft:v1:${syncId ?? "new"}`;

// A draft may hold a segment or settings still being filled in: their shape is checked here, their values when saved.
const draftSchema = z.object({
  datasetId: z.string().optional(),
  filter: z.looseObject({ type: z.literal("group"), combinator: z.enum(["and", "or"]), children: z.array(z.looseObject({ type: z.enum(["group", "condition"]) })) }),
  connectionId: z.string().optional(),
  object: z.string().optional(),
  canvas: canvasDraftSchema,
  settings: z.looseObject({ name: z.string(), mode: z.string(), schedule: z.looseObject({ type: z.string() }) }),
});

/** The kept draft, or nothing when the text does not read as one (a draft of another version, a broken write). */
export function parseDraft(text: string): Draft | undefined {
  const parsed = draftSchema.safeParse(readJson(text));
  if (!parsed.success) return undefined;
  const { filter, settings, ...rest } = parsed.data;
  return { ...rest, filter: filter as FilterGroup, settings: settings as unknown as Settings };
}
