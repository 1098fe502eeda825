"use client";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { FormError } from "@/components/ui/form";
import { cancelRun } from "@/lib/actions/syncs/runs";
import { loadRun } from "@/lib/actions/syncs/load";
import type { RunDetail } from "@/lib/syncs/overview";
import type { FileReport } from "@/connectors/types";
import { formatBytes, formatNumber } from "@/lib/utils";
import { HeldRunActions } from "./held-run-actions";
import { RecordLog } from "./record-log";
import { canCancelRunStatus, runModeLabels } from "@/lib/vocabulary";
import { ProgressBar } from "./progress-bar";
import { RunTimes, RunTotals } from "./run-facts";
import { describeTrigger, RunStatus } from "./run-status";
import { StepTimeline } from "./step-timeline";
import { useLiveRun } from "./use-live-run";

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


/** A run as it goes: polled every 1.5 seconds until it ends. */
export function RunView({ initial, canRun }: { initial: RunDetail; canRun: boolean }) {
  const { detail, running, refresh, cancel, cancelError } = useLiveRun({ kind: "run", initial, load: (runId) => loadRun({ runId }), cancel: (runId) => cancelRun({ runId }) });
  const { run } = detail;
  const counts = [
    ["Planned", run.planned],
    ["Created", run.created],
    ["Updated", run.updated],
    ["Deleted", run.deleted],
    ...(run.status === "held" ? [["Would delete", run.plannedDeletes] as const] : []),
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
            · {runModeLabels[run.mode]} run, {describeTrigger(run.trigger)}
          </span>
          {canCancelRunStatus(run.status) && canRun && (
            <Button variant="secondary" className="ml-auto" onClick={cancel}>
              Cancel run
            </Button>
          )}
        </div>
        <FormError className="mt-2" message={cancelError} />
        {run.error && (
          <p role="alert" className="mt-3 rounded-md bg-red-50 p-2 text-sm text-red-800">
            {run.error}
          </p>
        )}
        {run.status === "held" ? (
          <div role="alert" className="mt-3 flex flex-col gap-3 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900" data-testid="held-run">
            <p>{run.notice}</p>
            {canRun ? (
              <HeldRunActions runId={run.id} deletes={run.plannedDeletes} onDone={refresh} />
            ) : (
              <p className="text-xs">An editor or an admin can confirm or discard it.</p>
            )}
          </div>
        ) : (
          run.notice && (
            <p className="mt-3 rounded-md bg-blue-50 p-2 text-sm text-blue-900" data-testid="run-notice">
              {run.notice}
            </p>
          )
        )}
        {run.confirmedBy && <p className="mt-3 text-sm text-zinc-600">Deletions over the sync&apos;s limit confirmed by {run.confirmedBy}.</p>}
        <RunTimes run={run} />
        <div className="mt-4 h-8" aria-label="Progress">
          {running && <ProgressBar run={run} />}
        </div>
        <RunTotals counts={counts} problem="Failed" />
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
