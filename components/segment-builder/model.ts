/**
 * The segment builder edits a FilterGroup (the domain value the sync stores) through these pure
 * operations; nodes are addressed by their path of child indexes from the root group.
 */
import type { DatasetColumn } from "@/lib/datasets/definition";
import { type Condition, type FilterGroup, type FilterNode, filterSchemaFor, type Operator, operatorsByType, takesValue } from "@/lib/segment/schema";

export type Path = number[];

/** A fresh condition on `column`, with the first operator of its type and an empty value of the right shape. */
function newCondition(column: DatasetColumn): Condition {
  const operator = operatorsByType[column.type][0] as Operator;
  return { type: "condition", column: column.name, operator, value: defaultValue(column, operator) };
}

export function defaultValue(column: DatasetColumn, operator: Operator): unknown {
  if (!takesValue(operator)) return undefined;
  if (operator === "in_last_days" || operator === "more_than_days_ago") return 30;
  if (operator === "is_one_of") return [];
  if (operator === "between") return column.type === "number" ? [0, 0] : ["", ""];
  return column.type === "number" ? 0 : "";
}

function update(group: FilterGroup, path: Path, change: (node: FilterNode) => FilterNode | undefined): FilterGroup {
  if (path.length === 0) return change(group) as FilterGroup;
  const [index, ...rest] = path;
  const children = group.children.flatMap((child, i) => {
    if (i !== index) return [child];
    const next = rest.length ? update(child as FilterGroup, rest, change) : change(child);
    return next ? [next] : [];
  });
  return { ...group, children };
}

export const addCondition = (root: FilterGroup, groupPath: Path, column: DatasetColumn) =>
  update(root, groupPath, (g) => ({ ...(g as FilterGroup), children: [...(g as FilterGroup).children, newCondition(column)] }));

export const addGroup = (root: FilterGroup, groupPath: Path, column: DatasetColumn) =>
  update(root, groupPath, (g) => ({
    ...(g as FilterGroup),
    children: [...(g as FilterGroup).children, { type: "group", combinator: (g as FilterGroup).combinator === "and" ? "or" : "and", children: [newCondition(column)] }],
  }));

export const removeNode = (root: FilterGroup, path: Path) => update(root, path, () => undefined);

export const setCombinator = (root: FilterGroup, groupPath: Path, combinator: "and" | "or") => update(root, groupPath, (g) => ({ ...(g as FilterGroup), combinator }));

/** Changing the column keeps the operator when it fits the new type, else starts over. */
export function setColumn(root: FilterGroup, path: Path, column: DatasetColumn) {
  return update(root, path, (node) => {
    const c = node as Condition;
    const fits = (operatorsByType[column.type] as readonly string[]).includes(c.operator);
    return fits ? { ...c, column: column.name, value: defaultValue(column, c.operator) } : newCondition(column);
  });
}

export const setOperator = (root: FilterGroup, path: Path, operator: Operator, column: DatasetColumn) =>
  update(root, path, (node) => ({ ...(node as Condition), operator, value: defaultValue(column, operator) }));

export const setValue = (root: FilterGroup, path: Path, value: unknown) => update(root, path, (node) => ({ ...(node as Condition), value }));

/** The tree as the sync stores it: nothing when there are no conditions at all. */
export const toStoredFilter = (root: FilterGroup): FilterGroup | null => (countConditions(root) === 0 ? null : root);

function countConditions(node: FilterNode): number {
  return node.type === "condition" ? 1 : node.children.reduce((n, c) => n + countConditions(c), 0);
}

function columnsIn(node: FilterNode): string[] {
  return node.type === "condition" ? [node.column] : node.children.flatMap(columnsIn);
}

/** The preview's columns: the key column, the ones the filter uses, then the first others, six in all. */
export function previewColumns(columns: DatasetColumn[], root: FilterGroup, count = 6): DatasetColumn[] {
  const wanted = new Set([columns[0]?.name, ...columnsIn(root)]);
  return [...columns.filter((c) => wanted.has(c.name)), ...columns.filter((c) => !wanted.has(c.name))].slice(0, count);
}

/** Each node's first problem for the dataset (a condition without a value, a value of the wrong type), keyed by its path ("1.0"). */
export function problemsByPath(root: FilterGroup, columns: DatasetColumn[]): Map<string, string> {
  const result = filterSchemaFor(columns).safeParse(root);
  const problems = new Map<string, string>();
  for (const issue of result.error?.issues ?? []) {
    const key = issue.path.filter((p) => typeof p === "number").join(".");
    if (!problems.has(key)) problems.set(key, issue.message);
  }
  return problems;
}
