"use client";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useReader } from "@/components/ui/date-time";
import type { RunSummary } from "@/lib/db/queries/overview";
import { formatNumber } from "@/lib/utils";
import { runLabels } from "./chart-labels";

const series = [
  { key: "created", name: "Created", color: "#059669" },
  { key: "updated", name: "Updated", color: "#2563eb" },
  { key: "deleted", name: "Deleted", color: "#71717a" },
  { key: "failed", name: "Failed", color: "#dc2626" },
] as const;

/** Records created, updated, deleted and failed per run, oldest on the left, on a log scale so one record shows beside thousands. */
export function HistoryChart({ runs }: { runs: RunSummary[] }) {
  const reader = useReader();
  const ordered = runs.toReversed();
  const labels = runLabels(ordered.map((r) => r.queuedAt), reader);
  // A log scale has no zero: an empty count is no bar.
  const data = ordered.map((r, i) => ({ label: labels[i], ...Object.fromEntries(series.map((s) => [s.key, r[s.key] > 0 ? r[s.key] : null])) }));
  const max = Math.max(1, ...ordered.flatMap((r) => series.map((s) => r[s.key])));
  const ticks = Array.from({ length: Math.ceil(Math.log10(max)) + 1 }, (_, power) => 10 ** power);
  return (
    <figure aria-label="Records per run" className="h-56 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -8 }}>
          <CartesianGrid vertical={false} stroke="#e4e4e7" />
          <XAxis dataKey="label" tick={{ fontSize: 11, fill: "#71717a" }} tickLine={false} axisLine={false} />
          <YAxis scale="log" domain={[0.5, ticks.at(-1)!]} ticks={ticks} tickFormatter={formatNumber} tick={{ fontSize: 11, fill: "#71717a" }} tickLine={false} axisLine={false} />
          <Tooltip cursor={{ fill: "#f4f4f5" }} contentStyle={{ fontSize: 12, borderRadius: 6 }} formatter={(value) => formatNumber(Number(value))} />
          <Legend iconType="circle" iconSize={8} wrapperStyle={{ fontSize: 12 }} />
          {series.map((s) => (
            <Bar key={s.key} dataKey={s.key} name={s.name} className={`bar-${s.key}`} fill={s.color} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
