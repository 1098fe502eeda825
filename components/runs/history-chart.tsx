"use client";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { RunSummary } from "@/lib/db/queries/overview";

const series = [
  { key: "created", name: "Created", color: "#059669" },
  { key: "updated", name: "Updated", color: "#2563eb" },
  { key: "deleted", name: "Deleted", color: "#71717a" },
  { key: "failed", name: "Failed", color: "#dc2626" },
] as const;

/** Records created, updated, deleted and failed per run, oldest on the left. */
export function HistoryChart({ runs }: { runs: RunSummary[] }) {
  const data = runs
    .toReversed()
    .map((r) => ({ ...r, label: new Date(r.queuedAt).toLocaleString("en-GB", { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone: "UTC" }) }));
  return (
    <figure aria-label="Records per run" className="h-56 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -8 }}>
          <CartesianGrid vertical={false} stroke="#e4e4e7" />
          <XAxis dataKey="label" tick={{ fontSize: 11, fill: "#71717a" }} tickLine={false} axisLine={false} />
          <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: "#71717a" }} tickLine={false} axisLine={false} />
          <Tooltip cursor={{ fill: "#f4f4f5" }} contentStyle={{ fontSize: 12, borderRadius: 6 }} />
          <Legend iconType="circle" iconSize={8} wrapperStyle={{ fontSize: 12 }} />
          {series.map((s) => (
            <Bar key={s.key} dataKey={s.key} name={s.name} stackId="records" fill={s.color} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
