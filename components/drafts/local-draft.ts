/** What the forms' drafts (unsaved work kept in the browser's local storage) share. Client-safe. */
import { z } from "zod";
import { transformSchema } from "@/lib/mapping/schema";

/** The same JSON whatever the order of keys: what tells a draft from what is saved. */
const canonical = (value: unknown): unknown =>
  Array.isArray(value) ? value.map(canonical) : value && typeof value === "object" ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, canonical(v)])) : value;
export const sameJson = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

/** The text as JSON, or undefined when it does not read as JSON (a broken write). */
export const readJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const linkSchema = z.object({ source: z.string(), target: z.string(), transforms: z.array(transformSchema) });
const constantSchema = z.object({ id: z.string(), kind: z.enum(["value", "template"]), text: z.string() });
/** A mapping canvas as a draft keeps it. */
export const canvasDraftSchema = z.object({ links: z.array(linkSchema), constants: z.array(constantSchema), matchTo: z.string().nullable(), positions: z.record(z.string(), z.object({ x: z.number(), y: z.number() })).optional() });
