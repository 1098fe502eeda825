/** Dates and date-times in the ISO 8601 forms PostgreSQL's date and timestamptz read, in years 1 to 9999. Client-safe. */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})(?:[T ]([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,9})?)?(Z|[+-](?:[01]\d|2[0-3])(?::?[0-5]\d)?)?)?$/;

const isLeap = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
const daysIn = (year: number, month: number) => [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;

/** A calendar date like 2024-05-31 that exists (no 2024-02-30, no year 0000). */
export function isIsoDate(value: unknown): value is string {
  const m = typeof value === "string" ? DATE.exec(value) : null;
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month);
}

/**
 * A date, or a date and time with an optional offset: 2024-05-31, 2024-05-31T14:00, 2024-05-31T14:00:00Z,
 * 2024-05-31 14:00:00.123+02:00. With `offset: "required"` the time and its offset (or Z) must be there.
 */
export function isIsoDateTime(value: unknown, options: { offset?: "required" } = {}): value is string {
  const m = typeof value === "string" ? DATE_TIME.exec(value) : null;
  if (!m || !isIsoDate(m[1])) return false;
  return options.offset !== "required" || m[5] !== undefined;
}
