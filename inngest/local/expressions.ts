/** Inngest's expressions are CEL: trigger `if`, waitForEvent/cancelOn `if`, and flow-control keys. */
import { parse } from "@marcbachmann/cel-js";

type Compiled = ReturnType<typeof parse>;
const cache = new Map<string, Compiled>();

function compile(expression: string): Compiled {
  let compiled = cache.get(expression);
  if (!compiled) {
    compiled = parse(expression);
    cache.set(expression, compiled);
  }
  return compiled;
}

/** True when the expression holds; an expression that cannot be evaluated (a missing field) does not hold. */
export function matches(expression: string | undefined, context: Record<string, unknown>): boolean {
  if (!expression) return true;
  try {
    return compile(expression)(context) === true;
  } catch {
    return false;
  }
}

/** The value of a key expression such as `event.data.syncId`, as a string ("" when it cannot be evaluated). */
export function keyValue(expression: string | undefined, context: Record<string, unknown>): string {
  if (!expression) return "";
  try {
    const value = compile(expression)(context);
    return typeof value === "string" ? value : JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
  } catch {
    return "";
  }
}

/** Throws a readable error for an expression CEL cannot parse (checked when functions register). */
export function checkExpression(expression: string): void {
  compile(expression);
}
