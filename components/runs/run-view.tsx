"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { cancelRun } from "@/lib/actions/syncs/runs";
import { loadRun } from "@/lib/actions/syncs/load";
import type { RunDetail } from "@/lib/db/queries/overview";
import type { FileReport } from "@/connectors/types";
import { formatBytes, formatNumber } from "@/lib/utils";
import { RecordLog } from "./record-log";
import { describeTrigger, duration, RunStatus, when } from "./run-status";
import { StepTimeline } from "./step-timeline";

/** The files a file destination wrote: a file sync succeeds or fails as a whole, so these stand in for the record log. */
function FilesCard({ files }: { files: FileReport[] }) {
  return (
    <Card>
      <CardHeader title="Files written" />
      {files.length === 0 ? (
        <p className="px-4 py-3 text-sm text-zinc-500">No file was written by this run.</p>
      ) : (
        <table className="w-full text-sm" aria-label="Files written">
          <thead className="text-left text-xs text-zinc-500">
            <tr>
              <th className="px-4 py-2 font-medium">File</th>
              <th className="px-4 py-2 text-right font-medium">Rows</th>
              <th className="px-4 py-2 text-right font-medium">Size</th>
              <th className="px-4 py-2 font-medium">SHA-256</th>
            </tr>
          </thead>
          <tbody>
            {files.map((f) => (
              <tr key={f.name} className="border-t border-zinc-100">
                <td className="px-4 py-2 font-mono text-xs">{f.name}</td>
                <td className="px-4 py-2 text-right tabular-nums">{formatNumber(f.rows)}</td>
                <td className="px-4 py-2 text-right tabular-nums">{formatBytes(f.bytes)}</td>
                <td className="max-w-0 truncate px-4 py-2 font-mono text-xs" title={f.sha256}>
                  {f.sha256}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

export const isActive = (status: string) => status === "queued" || status === "running";

/** A run as it goes: polled every 1.5 seconds until it ends. */
export function RunView({ initial, canRun }: { initial: RunDetail; canRun: boolean }) {
  const client = useQueryClient();
  const [cancelError, setCancelError] = useState<string>();
  const { data: detail } = useQuery({
    queryKey: ["run", initial.run.id],
    initialData: initial,
    refetchInterval: (query) => (isActive(query.state.data?.run.status ?? "") ? 1_500 : false),
    queryFn: async () => {
      const result = await loadRun({ runId: initial.run.id });
      if (!result.ok) throw new Error(result.error);
      return result.data;
    },
  });
  const { run } = detail;
  const running = isActive(run.status);
  const progress = run.planned > 0 ? Math.min(100, Math.round((run.delivered / run.planned) * 100)) : 0;
  const cancel = async () => {
    const result = await cancelRun({ runId: run.id });
    setCancelError(result.ok ? undefined : result.error);
    void client.invalidateQueries({ queryKey: ["run", run.id] });
  };
  const counts = [
    ["Planned", run.planned],
    ["Created", run.created],
    ["Updated", run.updated],
    ["Deleted", run.deleted],
    ["Unchanged", run.unchanged],
    ["Failed", run.failed],
    ...(run.heldBack > 0 ? [["Held back (no consent)", run.heldBack] as const] : []),
  ] as const;

  return (
    <div className="flex flex-col gap-6">
      <Card className="p-4">
        <div className="flex flex-wrap items-center gap-3">
          <RunStatus status={run.status} />
          <span className="text-sm text-zinc-600">
            <Link href={`/syncs/${detail.sync.id}`} className="font-medium text-zinc-900 hover:underline">
              {detail.sync.name}
            </Link>{" "}
            · {run.mode} run, {describeTrigger(run.trigger)}
          </span>
          {running && canRun && (
            <Button variant="secondary" className="ml-auto" onClick={cancel}>
              Cancel run
            </Button>
          )}
        </div>
        {cancelError && <p className="mt-2 text-sm text-red-600">{cancelError}</p>}
        {run.error && (
          <p role="alert" className="mt-3 rounded-md bg-red-50 p-2 text-sm text-red-800">
            {run.error}
          </p>
        )}
        {run.notice && (
          <p className="mt-3 rounded-md bg-blue-50 p-2 text-sm text-blue-900" data-testid="run-notice">
            {run.notice}
          </p>
        )}
        <dl className="mt-4 grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-4">
          {[
            ["Queued", when(run.queuedAt)],
            ["Started", when(run.startedAt)],
            ["Finished", when(run.finishedAt)],
            ["Duration", run.startedAt ? duration(run.startedAt, run.finishedAt) : "—"],
          ].map(([label, value]) => (
            <div key={label}>
              <dt className="text-xs text-zinc-500">{label}</dt>
              <dd className="tabular-nums">{value}</dd>
            </div>
          ))}
        </dl>
        <div className="mt-4 h-8" aria-label="Progress">
          {running ? (
            <>
              <div className="h-1.5 rounded bg-zinc-200">
                <div className="h-1.5 rounded bg-blue-600 transition-[width]" style={{ width: `${progress}%` }} />
              </div>
              <p className="mt-1 text-xs tabular-nums text-zinc-500">
                {formatNumber(run.delivered)} / {formatNumber(run.planned)} records delivered
              </p>
            </>
          ) : null}
        </div>
        <dl className="grid grid-cols-3 gap-3 sm:grid-cols-6" data-testid="run-totals">
          {counts.map(([label, value]) => (
            <div key={label} className="rounded-md bg-zinc-50 px-3 py-2">
              <dt className="text-xs text-zinc-500">{label}</dt>
              <dd className={label === "Failed" && value > 0 ? "text-lg font-semibold tabular-nums text-red-700" : "text-lg font-semibold tabular-nums"}>{formatNumber(value)}</dd>
            </div>
          ))}
        </dl>
      </Card>
      {detail.results === "run" && <FilesCard files={run.files ?? []} />}
      <div className="grid gap-6 2xl:grid-cols-[minmax(0,22rem)_minmax(0,1fr)]">
        <Card className="2xl:self-start">
          <CardHeader title="Steps" />
          <StepTimeline steps={detail.steps} />
        </Card>
        {detail.results !== "run" && <RecordLog runId={run.id} running={running} canResend={canRun && !running} />}
      </div>
    </div>
  );
}
