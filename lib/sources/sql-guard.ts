/** The read-only check of an import's SQL: parsed by a real SQL grammar, never matched by regex. */
import type { Parser } from "node-sql-parser";
import * as mariadbBuild from "node-sql-parser/build/mariadb";
import * as postgresBuild from "node-sql-parser/build/postgresql";
import { PublicError } from "@/lib/errors";

type Build = { Parser: typeof Parser };
/** The dialect builds set `Parser` on CommonJS exports, which Node's own ESM loader shows only as the default export. */
const parserOf = (build: unknown) => (build as Build).Parser ?? (build as { default: Build }).default.Parser;
const PostgresParser = parserOf(postgresBuild);
const MariadbParser = parserOf(mariadbBuild);

export type Dialect = "postgres" | "mysql";

/** Statement kinds that write or change anything; found anywhere in the tree (a data-modifying CTE, a subquery). */
const WRITES = new Set(["insert", "update", "delete", "replace", "create", "drop", "alter", "truncate", "rename", "grant", "revoke", "lock", "unlock", "call", "exec", "set", "transaction", "load_data", "merge", "use"]);

const refused = (why: string) => new PublicError(`The query is refused: ${why}. Only one SELECT (or WITH … SELECT) statement that reads is accepted.`, { status: 422 });

/** The first thing in the tree that writes or locks, described; undefined when there is none. */
function writeIn(node: unknown): string | undefined {
  const stack: unknown[] = [node];
  while (stack.length) {
    const n = stack.pop();
    if (Array.isArray(n)) {
      stack.push(...n);
      continue;
    }
    if (!n || typeof n !== "object") continue;
    const o = n as Record<string, unknown>;
    if (typeof o.type === "string" && WRITES.has(o.type.toLowerCase())) return `it contains ${o.type.toUpperCase()}`;
    const into = o.into as { expr?: unknown } | undefined;
    if (into && typeof into === "object" && into.expr) return "SELECT … INTO writes its result";
    if (o.locking_read || o.for_update) return "it locks rows (FOR UPDATE / FOR SHARE)";
    stack.push(...Object.values(o));
  }
  return undefined;
}

/**
 * Accepts exactly one SELECT or WITH … SELECT statement that writes nothing and locks nothing (data-modifying CTEs,
 * SELECT INTO, FOR UPDATE refused); returns it without a trailing semicolon, to be wrapped as a subquery. A function
 * that writes cannot be seen from the text: the read-only transaction the query runs in refuses it.
 */
export function assertReadOnlyQuery(sql: string, dialect: Dialect): string {
  let ast: unknown;
  try {
    ast = dialect === "postgres" ? new PostgresParser().astify(sql, { database: "postgresql" }) : new MariadbParser().astify(sql, { database: "mariadb" });
  } catch (error) {
    throw refused(`it could not be read as one SELECT statement (${(error as Error).message.split("\n")[0]!.slice(0, 160)})`);
  }
  const statements = (Array.isArray(ast) ? ast : [ast]).filter(Boolean) as { type?: string }[];
  if (statements.length !== 1) throw refused(`it holds ${statements.length} statements`);
  if (statements[0]!.type !== "select") throw refused(`it is ${String(statements[0]!.type).toUpperCase()}, not SELECT`);
  const write = writeIn(statements[0]);
  if (write) throw refused(write);
  return sql.trim().replace(/;\s*$/, "");
}
