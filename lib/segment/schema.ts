/** Segments: a tree of AND/OR groups of type-aware conditions over a dataset's columns. Client-safe. */
import { z } from "zod";
import type { ColumnType } from "@/lib/entities/catalog";
import type { DatasetColumn } from "@/lib/datasets/definition";
import { isIsoDate, isIsoDateTime } from "@/lib/validation/dates";
import { jsonValue } from "@/lib/validation/text";

export const operatorsByType = {
  string: ["equals", "not_equals", "contains", "not_contains", "starts_with", "ends_with", "is_one_of", "is_empty", "is_not_empty"],
  number: ["eq", "neq", "gt", "gte", "lt", "lte", "between", "is_empty", "is_not_empty"],
  date: ["before", "after", "between", "in_last_days", "more_than_days_ago", "is_empty", "is_not_empty"],
  datetime: ["before", "after", "between", "in_last_days", "more_than_days_ago", "is_empty", "is_not_empty"],
  boolean: ["is_true", "is_false", "is_empty", "is_not_empty"],
} as const satisfies Record<ColumnType, readonly string[]>;

export type Operator = (typeof operatorsByType)[ColumnType][number];
const allOperators = [...new Set(Object.values(operatorsByType).flat())] as [Operator, ...Operator[]];

export const operatorLabels: Record<Operator, string> = {
  equals: "equals",
  not_equals: "does not equal",
  contains: "contains",
  not_contains: "does not contain",
  starts_with: "starts with",
  ends_with: "ends with",
  is_one_of: "is one of",
  is_empty: "is empty",
  is_not_empty: "is not empty",
  eq: "=",
  neq: "≠",
  gt: ">",
  gte: "≥",
  lt: "<",
  lte: "≤",
  between: "is between",
  before: "is before",
  after: "is after",
  in_last_days: "is in the last … days",
  more_than_days_ago: "is more than … days ago",
  is_true: "is true",
  is_false: "is false",
};

export type Condition = { type: "condition"; column: string; operator: Operator; value?: unknown };
export type FilterGroup = { type: "group"; combinator: "and" | "or"; children: FilterNode[] };
export type FilterNode = Condition | FilterGroup;

const conditionSchema = z.object({
  type: z.literal("condition"),
  column: z.string().min(1, "Pick a column"),
  operator: z.enum(allOperators, { error: "Pick an operator" }),
  value: jsonValue.optional(),
});

const filterNodeSchema: z.ZodType<FilterNode> = z.lazy(() => z.union([conditionSchema, groupSchema]));
const groupSchema: z.ZodType<FilterGroup> = z
  .object({
    type: z.literal("group"),
    combinator: z.enum(["and", "or"]),
    children: z.array(filterNodeSchema).max(100, "At most 100 conditions in a group"),
  })
  .meta({
    id: "FilterGroup",
    description:
      "A segment: nested AND/OR groups of conditions { type: 'condition', column, operator, value } over the dataset's columns. " +
      "Operators by column type — string: equals, not_equals, contains, not_contains, starts_with, ends_with, is_one_of (value: string[]), is_empty, is_not_empty; " +
      "number: eq, neq, gt, gte, lt, lte, between (value: [low, high]), is_empty, is_not_empty; " +
      "date / datetime: before, after, between, in_last_days (value: days), more_than_days_ago (value: days), is_empty, is_not_empty; " +
      "boolean: is_true, is_false, is_empty, is_not_empty. Dates are ISO 8601 strings. Groups nest at most 5 deep. " +
      "is_empty, is_not_empty and is_true, is_false take no value; every other operator needs one: a missing value, blank text, an empty list or a missing bound " +
      "is refused (422, naming the condition's path, e.g. filter.children.1.value) — to match rows without a value, use is_empty.",
  });

const MAX_NESTING = 5;

/** The path of the first node nested deeper than groups may nest, found without recursion: a hostile tree cannot overflow the stack. */
function tooDeepAt(tree: unknown): (string | number)[] | undefined {
  const stack: { node: unknown; path: (string | number)[] }[] = [{ node: tree, path: [] }];
  while (stack.length) {
    const { node, path } = stack.pop()!;
    if (path.length / 2 > MAX_NESTING) return path;
    const children = (node as { children?: unknown } | null)?.children;
    if (Array.isArray(children)) children.forEach((child, i) => stack.push({ node: child, path: [...path, "children", i] }));
  }
  return undefined;
}

/** A filter tree; its depth is checked before the recursive schema walks it. */
export const filterGroupSchema: z.ZodType<FilterGroup> = z.preprocess((tree, ctx) => {
  const path = tooDeepAt(tree);
  if (path) ctx.addIssue({ code: "custom", path, message: `Groups can be nested at most ${MAX_NESTING} deep` });
  return tree;
}, groupSchema);

const noValue = new Set<Operator>(["is_empty", "is_not_empty", "is_true", "is_false"]);
const validDateTime = (v: unknown) => isIsoDateTime(v);
const validDate = isIsoDate;

/** Whether the operator compares with a value (every one but is/is not empty, is true/false). */
export const takesValue = (operator: Operator) => !noValue.has(operator);

/** No value, blank text or an empty list: never read as `equals ""`, which matches no row and would make a sync delete all it wrote. */
const blank = (v: unknown) => v === undefined || v === null || (typeof v === "string" && v.trim() === "") || (Array.isArray(v) && v.every(blank));

const missingValueMessage = "Enter a value, or pick “is empty” to match rows without one";

/** What the value of a condition must be, as a message, or undefined when it fits. */
function valueProblem(type: ColumnType, operator: Operator, value: unknown): string | undefined {
  if (noValue.has(operator)) return value === undefined || value === null ? undefined : `"${operatorLabels[operator]}" takes no value`;
  if (operator !== "between" && blank(value)) return missingValueMessage;
  if (operator === "in_last_days" || operator === "more_than_days_ago")
    return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 36_500 ? undefined : "Enter a whole number of days";
  const one = (v: unknown): string | undefined => {
    if (type === "string") return typeof v === "string" ? undefined : "Enter text";
    if (type === "number") return typeof v === "number" && Number.isFinite(v) ? undefined : "Enter a number";
    if (type === "date") return validDate(v) ? undefined : "Enter a date like 2024-05-31";
    if (type === "datetime") return validDateTime(v) ? undefined : "Enter a date like 2024-05-31 or 2024-05-31T14:00:00Z";
    return "This column takes no value";
  };
  if (operator === "between") {
    if (!Array.isArray(value) || value.length !== 2 || value.some(blank)) return "Enter a lower and an upper bound";
    return one(value[0]) ?? one(value[1]);
  }
  if (operator === "is_one_of") {
    if (!Array.isArray(value)) return "Enter at least one value";
    if (value.length > 1_000) return "Enter at most 1,000 values";
    const empty = value.findIndex(blank);
    if (empty >= 0) return `Value ${empty + 1} of the list is empty`;
    return value.map(one).find(Boolean);
  }
  return one(value);
}

/** The filter schema for one dataset: only its columns, operators that fit each column's type, values of the right type. */
export function filterSchemaFor(columns: DatasetColumn[]) {
  const byName = new Map(columns.map((c) => [c.name, c.type]));
  return filterGroupSchema.superRefine((tree, ctx) => {
    const visit = (node: FilterNode, path: (string | number)[], depth: number) => {
      if (depth > 5) return ctx.addIssue({ code: "custom", path, message: "Groups can be nested at most 5 deep" });
      if (node.type === "group") return node.children.forEach((child, i) => visit(child, [...path, "children", i], depth + 1));
      const type = byName.get(node.column);
      if (!type) return ctx.addIssue({ code: "custom", path: [...path, "column"], message: `The dataset has no column "${node.column}"` });
      if (!(operatorsByType[type] as readonly string[]).includes(node.operator))
        return ctx.addIssue({ code: "custom", path: [...path, "operator"], message: `"${operatorLabels[node.operator]}" does not apply to the ${type} column "${node.column}"` });
      const problem = valueProblem(type, node.operator, node.value);
      if (problem) ctx.addIssue({ code: "custom", path: [...path, "value"], message: problem });
    };
    visit(tree, [], 0);
  });
}

/** A condition's name as the builder labels its row ("condition 2.1"), from its path in the tree. */
const conditionName = (path: readonly PropertyKey[]) => `condition ${path.filter((p) => typeof p === "number").map((i) => i + 1).join(".")}`;

/** The first reason a stored tree does not fit the dataset, naming the condition, or undefined when it fits. */
export function filterProblem(tree: FilterGroup, columns: DatasetColumn[]): string | undefined {
  const result = filterSchemaFor(columns).safeParse(tree);
  if (result.success) return undefined;
  const { path, message } = result.error.issues[0]!;
  const at = path.slice(0, path.findLastIndex((p) => typeof p === "number") + 1);
  const node = at.reduce<unknown>((n, key) => (n as Record<PropertyKey, unknown>)?.[key], tree) as FilterNode | undefined;
  if (node?.type !== "condition") return message;
  return `${conditionName(at)} (${node.column} ${operatorLabels[node.operator] ?? node.operator}): ${message}`;
}

export const emptyFilter = (): FilterGroup => ({ type: "group", combinator: "and", children: [] });
