"use client";
import { useSyncExternalStore } from "react";
import { formatDate, formatDateTime, type Reader } from "@/lib/utils";

/** The server does not know the reader's zone: it renders UTC, and the browser switches to the reader's own once hydrated. */
const serverReader: Reader = { locale: "en-GB", timeZone: "UTC" };
const noChanges = () => () => {};

export function useReader(): Reader {
  const hydrated = useSyncExternalStore(noChanges, () => true, () => false);
  return hydrated ? {} : serverReader;
}

/** An instant (or, with `day`, a date) formatted for whoever reads the page. */
export function DateTime({ value, day, fallback = "—" }: { value: string | Date | null | undefined; day?: boolean; fallback?: string }) {
  const reader = useReader();
  if (value === null || value === undefined) return <>{fallback}</>;
  const iso = typeof value === "string" ? value : value.toISOString();
  return <time dateTime={iso}>{day ? formatDate(value, reader) : formatDateTime(value, reader)}</time>;
}
