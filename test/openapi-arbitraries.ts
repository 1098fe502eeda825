/** fast-check arbitraries for the operations of an OpenAPI 3.1 document: values its JSON Schemas describe, laced with hostile ones. */
import fc from "fast-check";

export type JsonSchema = { [key: string]: unknown };

/**
 * What a caller knows fits: `values` by property or parameter name (or `parent.name`), e.g. ids of real rows;
 * `objects` the keys of free-form objects by their property name (`always` ones in every object).
 */
export type Hints = { values: Record<string, unknown[]>; objects: Record<string, { keys: string[]; always?: string[] }> };

/** A filter tree nested far deeper than any validator should recurse into. */
const deepTree = (depth: number) => {
  let node: unknown = { type: "condition", column: "id", operator: "equals", value: "x" };
  for (let i = 0; i < depth; i++) node = { type: "group", combinator: "and", children: [node] };
  return node;
};

/** Inputs that passed format checks but broke the database or the stack before. */
const hostileValues: unknown[] = [
  "\u0000",
  "a\u0000b",
  "0000-01-01",
  "2024-02-30",
  "1970-01-01junk",
  "0000-01-01T00:00:00Z",
  "abc",
  "",
  " ",
  1e20,
  1.5,
  1e10,
  -1,
  0,
  Number.MAX_SAFE_INTEGER,
  null,
  true,
  {},
  [],
  "x".repeat(1_001),
  { "\u0000": "key" },
  deepTree(700),
];

export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...hostileValues) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }).map((s) => `${s}\u0000${s}`) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

type Context = { components: Record<string, JsonSchema>; hints: Hints; depth: number; hostileWeight: number };

const resolve = (schema: JsonSchema, components: Record<string, JsonSchema>) =>
  typeof schema.$ref === "string" ? components[schema.$ref.replace("#/components/schemas/", "")]! : schema;

/** Mostly what the schema describes, now and then a hostile value in its place (at any depth). */
export function arbitraryFor(schema: JsonSchema, ctx: Context, path: string[] = []): fc.Arbitrary<unknown> {
  const fitting = fittingFor(schema, ctx, path);
  const known = ctx.hints.values[path.slice(-2).join(".")] ?? ctx.hints.values[path.at(-1) ?? ""];
  const hinted = known ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: fitting }) : fitting;
  return ctx.hostileWeight ? fc.oneof({ weight: 12, arbitrary: hinted }, { weight: ctx.hostileWeight, arbitrary: hostile }) : hinted;
}

function fittingFor(raw: JsonSchema, ctx: Context, path: string[]): fc.Arbitrary<unknown> {
  const schema = resolve(raw, ctx.components);
  const next: Context = { ...ctx, depth: ctx.depth + (raw.$ref ? 1 : 0) };
  if ("const" in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  const options = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (options) {
    // Recursive schemas (filter groups) stop growing a few levels down.
    const usable = next.depth > 3 ? options.filter((o) => !o.$ref) : options;
    return fc.oneof(...(usable.length ? usable : options.slice(0, 1)).map((o) => fittingFor(o, next, path)));
  }
  if (Array.isArray(schema.type)) return fc.oneof(...schema.type.map((t) => fittingFor({ ...schema, type: t }, next, path)));
  switch (schema.type) {
    case "object":
      return objectFor(schema, next, path);
    case "array":
      return fc.array(arbitraryFor((schema.items as JsonSchema) ?? {}, next, path), {
        minLength: (schema.minItems as number) ?? 0,
        maxLength: Math.max((schema.minItems as number) ?? 0, Math.min((schema.maxItems as number) ?? 4, next.depth > 3 ? 0 : 4)),
      });
    case "string":
      return stringFor(schema);
    case "integer":
      return fc.integer({ min: (schema.minimum as number) ?? -1_000, max: (schema.maximum as number) ?? 1_000_000 });
    case "number":
      return fc.double({ min: (schema.minimum as number) ?? -1e6, max: (schema.maximum as number) ?? 1e6, noNaN: true, noDefaultInfinity: true });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function objectFor(schema: JsonSchema, ctx: Context, path: string[]): fc.Arbitrary<unknown> {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  if (Object.keys(properties).length === 0) {
    // Free-form objects (records, settings) get keys the app knows, so values reach past "unknown field".
    const value = typeof schema.additionalProperties === "object" ? (schema.additionalProperties as JsonSchema) : {};
    const known = ctx.hints.objects[path.at(-1) ?? ""] ?? { keys: [] };
    const someKeys = known.keys.length ? fc.subarray(known.keys, { maxLength: Math.min(3, known.keys.length) }) : fc.constant([]);
    const strayKey = fc.oneof({ weight: 20, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) });
    return fc.tuple(someKeys, strayKey).chain(([keys, stray]) => {
      const all = [...new Set([...(known.always ?? []), ...keys, ...(stray === undefined ? [] : [stray])])];
      return fc.record(Object.fromEntries(all.map((key) => [key, freeValueFor(value, ctx, [...path, key])])));
    });
  }
  const required = (schema.required ?? []) as string[];
  return fc.record(Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, arbitraryFor(v, ctx, [...path, k])])), {
    requiredKeys: required.filter((k) => k in properties),
  });
}

/** A value under a free-form key: what is known to fit that key, now and then a hostile one. */
function freeValueFor(schema: JsonSchema, ctx: Context, path: string[]): fc.Arbitrary<unknown> {
  const known = ctx.hints.values[path.at(-1)!];
  return known ? fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: hostile }) : arbitraryFor(schema, ctx, path);
}

function stringFor(schema: JsonSchema): fc.Arbitrary<unknown> {
  if (schema.format === "uuid") return fc.uuid();
  if (schema.format === "email") return fc.emailAddress();
  if (schema.format === "date-time") return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  const minLength = (schema.minLength as number) ?? 0;
  return fc.string({ minLength, maxLength: Math.max(minLength, Math.min((schema.maxLength as number) ?? 20, 20)) });
}
