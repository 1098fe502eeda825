/** Segments: a tree of AND/OR groups of type-aware conditions over a dataset's columns. Client-safe. */
import { z } from "zod";
import type { ColumnType } from "@/lib/entities/catalog";
import type { DatasetColumn } from "@/lib/datasets/definition";

export const operatorsByType = {
  string: ["equals", "not_equals", "contains", "not_contains", "starts_with", "ends_with", "is_one_of", "is_empty", "is_not_empty"],
  number: ["eq", "neq", "gt", "gte", "lt", "lte", "between", "is_empty", "is_not_empty"],
  date: ["before", "after", "between", "in_last_days", "more_than_days_ago", "is_empty", "is_not_empty"],
  datetime: ["before", "after", "between", "in_last_days", "more_than_days_ago", "is_empty", "is_not_empty"],
  boolean: ["is_true", "is_false", "is_empty", "is_not_empty"],
} as const satisfies Record<ColumnType, readonly string[]>;

export type Operator = (typeof operatorsByType)[ColumnType][number];
export const allOperators = [...new Set(Object.values(operatorsByType).flat())] as [Operator, ...Operator[]];

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
  value: z.unknown().optional(),
});

export const filterNodeSchema: z.ZodType<FilterNode> = z.lazy(() => z.union([conditionSchema, filterGroupSchema]));
export const filterGroupSchema: z.ZodType<FilterGroup> = z
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
      "boolean: is_true, is_false, is_empty, is_not_empty. Dates are ISO 8601 strings. Groups nest at most 5 deep.",
  });

const noValue = new Set<Operator>(["is_empty", "is_not_empty", "is_true", "is_false"]);
const isoDate = /^\d{4}-\d{2}-\d{2}$/;
const validDateTime = (v: unknown) => typeof v === "string" && !Number.isNaN(Date.parse(v)) && /^\d{4}-\d{2}-\d{2}/.test(v);
const validDate = (v: unknown) => typeof v === "string" && isoDate.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`));

/** What the value of a condition must be, as a message, or undefined when it fits. */
function valueProblem(type: ColumnType, operator: Operator, value: unknown): string | undefined {
  if (noValue.has(operator)) return value === undefined || value === null ? undefined : `"${operatorLabels[operator]}" takes no value`;
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
    if (!Array.isArray(value) || value.length !== 2) return "Enter a lower and an upper bound";
    return one(value[0]) ?? one(value[1]);
  }
  if (operator === "is_one_of") {
    if (!Array.isArray(value) || value.length === 0) return "Enter at least one value";
    if (value.length > 1_000) return "Enter at most 1,000 values";
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

export const emptyFilter = (): FilterGroup => ({ type: "group", combinator: "and", children: [] });
