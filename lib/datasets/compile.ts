/** Compiles a dataset definition into one parameterised SQL query over the entity tables. */
import { type SQL, sql } from "drizzle-orm";
import { type ColumnType, entities, entityField, type EntityName } from "@/lib/entities/catalog";
import { type Aggregate, type DatasetDefinition, datasetColumns, datasetPrimaryKey } from "./definition";

const id = (name: string) => sql.identifier(name);

/** Output values are plain JSON: numbers as float8, dates and timestamps as ISO 8601 text (UTC). */
function output(expr: SQL, type: ColumnType): SQL {
  if (type === "number") return sql`(${expr})::float8`;
  if (type === "date") return sql`(${expr})::text`;
  if (type === "datetime") return sql`to_char((${expr}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
  return expr;
}

function traitValue(key: string, type: ColumnType): SQL {
  const text = sql`b.traits ->> ${key}`;
  switch (type) {
    case "string":
      return text;
    case "number":
      return sql`relay_to_number(${text})`;
    case "boolean":
      return sql`relay_to_boolean(${text})`;
    case "date":
      return sql`relay_to_date(${text})`;
    case "datetime":
      return sql`relay_to_timestamptz(${text})`;
  }
}

function aggregateExpr(entity: EntityName, a: Aggregate): SQL {
  const filter = a.where ? sql` FILTER (WHERE r.${id(a.where.field)}::text = ${a.where.equals})` : sql``;
  if (a.fn === "count") return sql`(count(*)${filter})::int`;
  const field = sql`r.${id(a.field!)}`;
  const type = entityField(entity, a.field!)!.type;
  switch (a.fn) {
    case "sum":
      return sql`coalesce(sum(${field})${filter}, 0)::float8`;
    case "avg":
      return sql`(avg(${field})${filter})::float8`;
    case "min":
      return output(sql`min(${field})${filter}`, type);
    case "max":
      return output(sql`max(${field})${filter}`, type);
    case "latest":
      return output(sql`(array_agg(${field} ORDER BY r.updated_at DESC, r.id DESC)${filter})[1]`, type);
  }
}

/** `SELECT <dataset columns> FROM <base entity> … WHERE workspace`, without ordering. */
export function compileDataset(def: DatasetDefinition, workspaceId: string): SQL {
  const base = entities[def.baseEntity];
  const select: SQL[] = [];
  const joins: SQL[] = [];
  const wanted = new Set(datasetColumns(def).map((c) => c.name));

  for (const field of base.fields) {
    if (wanted.has(field.name)) select.push(sql`${output(sql`b.${id(field.name)}`, field.type)} AS ${id(field.name)}`);
  }
  def.lookups.forEach((l, i) => {
    const lookup = base.lookups.find((x) => x.name === l.lookup)!;
    const alias = id(`l${i}`);
    joins.push(
      sql`LEFT JOIN ${id(lookup.entity)} ${alias} ON ${alias}.workspace_id = b.workspace_id AND ${alias}.id = b.${id(lookup.foreignKey)}`,
    );
    for (const f of l.fields) {
      const type = entityField(lookup.entity, f)!.type;
      select.push(sql`${output(sql`${alias}.${id(f)}`, type)} AS ${id(`${l.lookup}_${f}`)}`);
    }
  });
  const byCollection = new Map<string, Aggregate[]>();
  for (const a of def.aggregates) byCollection.set(a.collection, [...(byCollection.get(a.collection) ?? []), a]);
  [...byCollection].forEach(([name, aggregates], i) => {
    const collection = base.collections.find((x) => x.name === name)!;
    const alias = id(`a${i}`);
    const exprs = aggregates.map((a) => sql`${aggregateExpr(collection.entity, a)} AS ${id(a.name)}`);
    joins.push(sql`LEFT JOIN LATERAL (SELECT ${sql.join(exprs, sql`, `)} FROM ${id(collection.entity)} r
      WHERE r.workspace_id = b.workspace_id AND r.${id(collection.foreignKey)} = b.id) ${alias} ON true`);
    for (const a of aggregates) select.push(sql`${alias}.${id(a.name)}`);
  });
  for (const t of def.traits) select.push(sql`${output(traitValue(t.key, t.type), t.type)} AS ${id(t.key)}`);

  return sql`SELECT ${sql.join(select, sql`, `)} FROM ${id(base.name)} b ${sql.join(joins, sql` `)}
    WHERE b.workspace_id = ${workspaceId}`;
}

/** Rows of the dataset (narrowed by `where`, a condition over `d`) in key order, `limit` at a time after `offset`. */
export function pageQuery(def: DatasetDefinition, workspaceId: string, page: { limit: number; offset: number; where?: SQL }): SQL {
  return sql`SELECT * FROM (${compileDataset(def, workspaceId)}) d WHERE ${page.where ?? sql`TRUE`}
    ORDER BY d.${id(datasetPrimaryKey)} LIMIT ${page.limit} OFFSET ${page.offset}`;
}

export function countQuery(def: DatasetDefinition, workspaceId: string, where?: SQL): SQL {
  return sql`SELECT count(*)::int AS count FROM (${compileDataset(def, workspaceId)}) d WHERE ${where ?? sql`TRUE`}`;
}
