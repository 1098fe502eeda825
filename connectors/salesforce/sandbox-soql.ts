/** The little SOQL the sandbox understands: SELECT fields FROM object [WHERE f = / != value AND …] [ORDER BY f [ASC|DESC]] [LIMIT n]. */
import { RequestError, type SandboxOrg } from "./sandbox-org";

const QUERY = /^SELECT\s+(.+?)\s+FROM\s+(\w+)(?:\s+WHERE\s+(.+?))?(?:\s+ORDER\s+BY\s+(\w+)(?:\s+(ASC|DESC))?)?(?:\s+LIMIT\s+(\d+))?$/i;
const CONDITION = /^(\w+)\s*(=|!=)\s*(null|'(?:[^'\\]|\\.)*'|-?\d+(?:\.\d+)?|true|false)$/i;

function literal(text: string): unknown {
  if (/^null$/i.test(text)) return null;
  if (/^(true|false)$/i.test(text)) return text.toLowerCase() === "true";
  if (text.startsWith("'")) return text.slice(1, -1).replace(/\\(.)/g, "$1");
  return Number(text);
}

/** The rows a query selects, each with its `attributes`, as the query resource answers them. */
export function runQuery(org: SandboxOrg, soql: string, version: string): Record<string, unknown>[] {
  const m = soql.trim().match(QUERY);
  if (!m) throw new RequestError(400, "MALFORMED_QUERY", `unexpected token: '${soql.trim().split(/\s+/).slice(0, 3).join(" ")}'`);
  const [, select, from, where, orderBy, direction, limit] = m;
  const o = org.object(from!);
  if (!o) throw new RequestError(400, "INVALID_TYPE", `sObject type '${from}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name.`);
  const fieldOf = (name: string) => {
    const f = o.fields.find((x) => x.name.toLowerCase() === name.toLowerCase());
    if (!f) throw new RequestError(400, "INVALID_FIELD", `No such column '${name}' on entity '${o.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name.`);
    return f.name;
  };
  const columns = select!.split(",").map((c) => fieldOf(c.trim()));
  const conditions = (where ? where.split(/\s+AND\s+/i) : []).map((c) => {
    const cm = c.trim().match(CONDITION);
    if (!cm) throw new RequestError(400, "MALFORMED_QUERY", `unexpected token: '${c.trim()}'`);
    return { field: fieldOf(cm[1]!), equal: cm[2] === "=", value: literal(cm[3]!) };
  });
  const same = (a: unknown, b: unknown) => (a ?? null) === b || (typeof a === "string" && typeof b === "string" && a.toLowerCase() === b.toLowerCase());
  const order = orderBy ? fieldOf(orderBy) : "Id";
  const sign = direction?.toUpperCase() === "DESC" ? -1 : 1;
  const rows = org
    .records(o.name)
    .filter((r) => conditions.every((c) => same(r[c.field], c.value) === c.equal))
    .sort((a, b) => sign * String(a[order] ?? "").localeCompare(String(b[order] ?? "")))
    .slice(0, limit ? Number(limit) : undefined);
  return rows.map((r) => ({ attributes: { type: o.name, url: `/services/data/v${version}/sobjects/${o.name}/${r.Id}` }, ...Object.fromEntries(columns.map((c) => [c, r[c] ?? null])) }));
}
