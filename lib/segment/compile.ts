/** Compiles a validated filter tree to a parameterised SQL condition over the dataset's output (`d`). */
import { type SQL, sql } from "drizzle-orm";
import type { ColumnType } from "@/lib/entities/catalog";
import type { DatasetColumn } from "@/lib/datasets/definition";
import type { Condition, FilterNode } from "./schema";

/** The column as a typed SQL value (dataset outputs dates and timestamps as ISO text). */
function typed(column: string, type: ColumnType): SQL {
  const ref = sql`d.${sql.identifier(column)}`;
  if (type === "date") return sql`(${ref})::date`;
  if (type === "datetime") return sql`(${ref})::timestamptz`;
  return ref;
}

function param(value: unknown, type: ColumnType): SQL {
  if (type === "date") return sql`${value}::date`;
  if (type === "datetime") return sql`${value}::timestamptz`;
  if (type === "number") return sql`${value}::float8`;
  return sql`${value}::text`;
}

function condition(c: Condition, type: ColumnType): SQL {
  const col = typed(c.column, type);
  const v = c.value;
  const lowered = sql`lower(${col})`;
  switch (c.operator) {
    case "equals":
    case "eq":
      return sql`${col} = ${param(v, type)}`;
    case "not_equals":
    case "neq":
      return sql`${col} IS DISTINCT FROM ${param(v, type)}`;
    case "contains":
      return sql`strpos(${lowered}, lower(${param(v, type)})) > 0`;
    case "not_contains":
      return sql`(${col} IS NULL OR strpos(${lowered}, lower(${param(v, type)})) = 0)`;
    case "starts_with":
      return sql`starts_with(${lowered}, lower(${param(v, type)}))`;
    case "ends_with":
      return sql`right(${lowered}, length(${param(v, type)})) = lower(${param(v, type)})`;
    case "is_one_of":
      return sql`${col} IN (${sql.join((v as string[]).map((x) => sql`${x}`), sql`, `)})`;
    case "gt":
    case "after":
      return sql`${col} > ${param(v, type)}`;
    case "gte":
      return sql`${col} >= ${param(v, type)}`;
    case "lt":
    case "before":
      return sql`${col} < ${param(v, type)}`;
    case "lte":
      return sql`${col} <= ${param(v, type)}`;
    case "between": {
      const [low, high] = v as [unknown, unknown];
      return sql`${col} BETWEEN ${param(low, type)} AND ${param(high, type)}`;
    }
    case "in_last_days":
      return type === "date" ? sql`${col} >= current_date - ${v}::int` : sql`${col} >= now() - make_interval(days => ${v}::int)`;
    case "more_than_days_ago":
      return type === "date" ? sql`${col} < current_date - ${v}::int` : sql`${col} < now() - make_interval(days => ${v}::int)`;
    case "is_true":
      return sql`${col} IS TRUE`;
    case "is_false":
      return sql`${col} IS FALSE`;
    // Text of nothing but whitespace is empty too.
    case "is_empty":
      return type === "string" ? sql`(${col} IS NULL OR ${col} !~ '[^[:space:]]')` : sql`${col} IS NULL`;
    case "is_not_empty":
      return type === "string" ? sql`coalesce(${col} ~ '[^[:space:]]', false)` : sql`${col} IS NOT NULL`;
  }
}

/** The tree as one SQL condition; an empty group matches every row. Call only with a tree validated by filterSchemaFor. */
export function compileFilter(node: FilterNode | undefined | null, columns: DatasetColumn[]): SQL {
  if (!node) return sql`TRUE`;
  const types = new Map(columns.map((c) => [c.name, c.type]));
  const visit = (n: FilterNode): SQL => {
    if (n.type === "condition") return condition(n, types.get(n.column)!);
    if (n.children.length === 0) return sql`TRUE`;
    return sql`(${sql.join(n.children.map(visit), n.combinator === "and" ? sql` AND ` : sql` OR `)})`;
  };
  return visit(node);
}
