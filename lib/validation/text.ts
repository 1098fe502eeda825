/** Text and JSON that PostgreSQL can store: it refuses NUL characters and lone UTF-16 surrogates. Client-safe. */
import { z } from "zod";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const MAX_JSON_DEPTH = 32;

/** Why PostgreSQL would refuse this text, or undefined when it can store it. */
export function textProblem(s: string): string | undefined {
  if (s.includes("\u0000")) return "must not contain the NUL character (\\u0000)";
  if (LONE_SURROGATE.test(s)) return "must not contain a lone UTF-16 surrogate (\\uD800-\\uDFFF)";
  return undefined;
}

/** z.string() that PostgreSQL can store; chain .trim(), .min(), .max() as usual. */
export const text = (params?: Parameters<typeof z.string>[0]) =>
  z.string(params).superRefine((value, ctx) => {
    const problem = textProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** Where a JSON value breaks what json/jsonb columns take: a key or string they refuse, or nesting too deep to store. */
export function jsonProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): { path: PropertyKey[]; message: string } | undefined {
  // Iterative, so a hostile depth cannot overflow the stack here.
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value, path: [] }];
  while (stack.length) {
    const node = stack.pop()!;
    if (typeof node.value === "string") {
      const problem = textProblem(node.value);
      if (problem) return { path: node.path, message: problem };
    }
    if (node.value === null || typeof node.value !== "object") continue;
    if (node.path.length >= maxDepth) return { path: node.path, message: `is nested more than ${maxDepth} levels deep` };
    for (const [key, child] of Object.entries(node.value)) {
      const problem = textProblem(key);
      if (problem) return { path: [...node.path, key], message: `has a key that ${problem}` };
      stack.push({ value: child, path: [...node.path, Array.isArray(node.value) ? Number(key) : key] });
    }
  }
  return undefined;
}

/** Any JSON value a json/jsonb column can store (traits, connector settings, static values). */
export const jsonValue = z.unknown().superRefine((value, ctx) => {
  const problem = jsonProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem.message, path: problem.path });
});

/** A JSON object a jsonb column can store (traits, connector settings and secrets). */
export const jsonObject = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  const problem = jsonProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem.message, path: problem.path });
});
