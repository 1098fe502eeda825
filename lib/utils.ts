import { type ClassValue, clsx } from "clsx";
import { twMerge } from "tailwind-merge";

export const cn = (...inputs: ClassValue[]) => twMerge(clsx(inputs));

export const formatNumber = (n: number) => new Intl.NumberFormat("en-US").format(n);

/** A size in bytes as people read it: 950 B, 12.3 KB, 48.1 MB (powers of 1,000). */
export function formatBytes(bytes: number) {
  const units = ["B", "KB", "MB", "GB", "TB"];
  const power = Math.min(units.length - 1, bytes > 0 ? Math.floor(Math.log10(bytes) / 3) : 0);
  return power === 0 ? `${bytes} B` : `${(bytes / 1000 ** power).toFixed(1)} ${units[power]}`;
}

/** Whose dates: a locale and an IANA time zone; `undefined` means the runtime's own (the browser's, for a reader). */
export type Reader = { locale?: string; timeZone?: string };

const dateOnly = /^\d{4}-\d{2}-\d{2}$/;
const toDate = (value: string | Date) => (typeof value === "string" ? new Date(value) : value);

/** An instant to the minute, in the reader's language and time zone, naming the zone: "6 Dec 2026, 14:05 CET". */
export function formatDateTime(value: string | Date, reader: Reader = {}) {
  const date = toDate(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const format = new Intl.DateTimeFormat(reader.locale, { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short", timeZone: reader.timeZone });
  return format.format(date);
}

/** A day: a calendar date ("1990-03-05") as it is, an instant as the reader's day: "5 Mar 1990". */
export function formatDate(value: string | Date, reader: Reader = {}) {
  const date = typeof value === "string" && dateOnly.test(value) ? new Date(`${value}T00:00:00Z`) : toDate(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const timeZone = typeof value === "string" && dateOnly.test(value) ? "UTC" : reader.timeZone;
  return new Intl.DateTimeFormat(reader.locale, { year: "numeric", month: "short", day: "numeric", timeZone }).format(date);
}
