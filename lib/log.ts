/**
 * What the app writes to its log. A failed SQL statement is logged with its text and the database's error
 * code, never the values bound to it: those are our users' customers' emails and names.
 */
import { DrizzleQueryError } from "drizzle-orm";
import { ConsoleLogger, type Logger } from "inngest";

type DbFields = { code?: unknown; severity?: unknown; sqlState?: unknown; errno?: unknown; table?: string; column?: string; constraint?: string };

/** An error of PostgreSQL (pg) or MySQL (mysql2): its message and properties may quote the values. */
const isDatabaseError = (e: Error) => {
  const f = e as DbFields;
  return (typeof f.severity === "string" && typeof f.code === "string") || typeof f.sqlState === "string";
};

function failedQueryIn(error: Error): Error | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) if (e instanceof DrizzleQueryError || isDatabaseError(e)) return e;
  return undefined;
}

/** The statement (when known) and what the database said about it (code, table, column, constraint), without values or messages. */
function withoutValues(outer: Error, failed: Error): Error {
  const db = (failed instanceof DrizzleQueryError ? failed.cause ?? {} : failed) as DbFields;
  const code = [db.sqlState ?? db.code, db.sqlState ? db.code : undefined].filter(Boolean).join(" ");
  const where = [db.table && `table ${db.table}`, db.column && `column ${db.column}`, db.constraint && `constraint ${db.constraint}`].filter(Boolean);
  const what = failed instanceof DrizzleQueryError ? `: ${failed.query}` : "";
  const safe = new Error(`${failed instanceof DrizzleQueryError ? "Failed query" : "Database error"} (SQLSTATE ${code || "unknown"}${where.length ? `, ${where.join(", ")}` : ""})${what}`);
  const kind = failed.constructor.name;
  safe.name = outer === failed ? kind : `${outer.name} caused by ${kind}`;
  safe.stack = [`${safe.name}: ${safe.message}`, ...(outer.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line))].join("\n");
  return safe;
}

/** A value fit for the log: errors (also under `err` and the like, as loggers pass them) lose the values of failed statements. */
function loggable(value: unknown): unknown {
  if (value instanceof Error) {
    const failed = failedQueryIn(value);
    return failed ? withoutValues(value, failed) : value;
  }
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype)
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, v instanceof Error ? loggable(v) : v]));
  return value;
}

/** One line (or the stack) of an error for a text log. */
export function describeError(error: unknown, p: { stack?: boolean } = {}): string {
  const safe = loggable(error);
  if (!(safe instanceof Error)) return String(safe);
  return p.stack && safe.stack ? safe.stack : `${safe.name}: ${safe.message}`;
}

/** Logs an error the app did not expect, with context. */
export const logError = (context: string, error: unknown) => console.error(context, loggable(error));

const inngestConsole = new ConsoleLogger();

/** The Inngest SDK's logger (it logs every step and function error) with the same care. */
export const inngestLogger: Logger = {
  info: (...args) => inngestConsole.info(...args.map(loggable)),
  warn: (...args) => inngestConsole.warn(...args.map(loggable)),
  error: (...args) => inngestConsole.error(...args.map(loggable)),
  debug: (...args) => inngestConsole.debug(...args.map(loggable)),
};
