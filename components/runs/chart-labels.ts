import type { Reader } from "@/lib/utils";

const withSeconds = { second: "2-digit" } as const;

/** Axis labels of runs, to the minute; runs that share a minute show seconds too, and a number if they still share one. */
export function runLabels(dates: (string | Date)[], reader: Reader = {}) {
  const format = (extra: Intl.DateTimeFormatOptions) => (d: string | Date) =>
    new Intl.DateTimeFormat(reader.locale, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone: reader.timeZone, ...extra }).format(new Date(d));
  const minutes = dates.map(format({}));
  const labels = dates.map((d, i) => (minutes.filter((m) => m === minutes[i]).length > 1 ? format(withSeconds)(d) : minutes[i]!));
  return labels.map((label, i) => {
    const before = labels.slice(0, i).filter((l) => l === label).length;
    return before === 0 ? label : `${label} (${before + 1})`;
  });
}
