import { Attention } from "@/components/ui/attention";
import type { ImportOverview } from "@/lib/sources/overview";
import { formatNumber } from "@/lib/utils";

/** The imports whose latest run failed or rejected rows: the datasets they fill may lack rows. */
export function ImportAlerts({ imports }: { imports: ImportOverview[] }) {
  const items = imports.flatMap(({ id, name, lastRun: run }) => {
    if (run?.status !== "failed" && run?.status !== "partial") return [];
    const text = run.status === "failed" ? `failed: ${run.error ?? "see the run"}` : `rejected ${formatNumber(run.rejected)} ${run.rejected === 1 ? "row" : "rows"}`;
    return [{ id, name: `${name} (import)`, href: `/sources/${id}/runs/${run.id}`, text }];
  });
  return <Attention testId="import-alerts" items={items} />;
}
