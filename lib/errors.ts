import type { z } from "zod";
import { formatNumber } from "@/lib/utils";

/** An error whose message is fit to show a user; `details` carries per-item problems (e.g. CSV lines). */
export class PublicError extends Error {
  readonly details?: LineError[];
  readonly status: number;

  constructor(message: string, options: { details?: LineError[]; status?: number } = {}) {
    super(message);
    this.name = "PublicError";
    this.details = options.details;
    this.status = options.status ?? 422;
  }
}

export type LineError = { line: number; field?: string; message: string };

/** Input that does not fit a schema; `fields` maps each problem's path (a.b.0.c) to its messages. */
export class ValidationError extends PublicError {
  readonly fields: Record<string, string[]>;

  constructor(fields: Record<string, string[]>, message = "Some values do not fit") {
    super(`${message}: ${Object.entries(fields).map(([path, m]) => (path ? `${path}: ${m.join("; ")}` : m.join("; "))).join(" · ")}`, { status: 422 });
    this.name = "ValidationError";
    this.fields = fields;
  }
}

export function fieldErrorsOf(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) (out[issue.path.join(".")] ??= []).push(issue.message);
  return out;
}

/** Parses with a zod schema, or throws a ValidationError naming every problem. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, message?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(fieldErrorsOf(result.error), message);
  return result.data;
}

export class NotFoundError extends PublicError {
  constructor(what: string) {
    super(`${what} not found`, { status: 404 });
    this.name = "NotFoundError";
  }
}

/** A conflict with concurrent work that clears by itself: the API answers 503 with Retry-After. */
export class RetryLaterError extends PublicError {
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number) {
    super(message, { status: 503 });
    this.name = "RetryLaterError";
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** A change whose next run would remove records from the destination: refused until the user confirms at least that many. */
export class DeletionsNeedConfirmation extends PublicError {
  readonly confirm: { deletions: number; destination: string };

  constructor(deletions: number, destination: string) {
    super(`This sync would delete ${formatNumber(deletions)} ${deletions === 1 ? "record" : "records"} from ${destination} on its next run: confirm the deletion to save it.`, { status: 409 });
    this.name = "DeletionsNeedConfirmation";
    this.confirm = { deletions, destination };
  }
}
