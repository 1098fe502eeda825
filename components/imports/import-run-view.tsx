"use client";
import Link from "next/link";
import { RunTimes, RunTotals } from "@/components/runs/run-facts";
import { describeTrigger, RunStatus } from "@/components/runs/run-status";
import { StepTimeline } from "@/components/runs/step-timeline";
import { useLiveRun } from "@/components/runs/use-live-run";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { FormError } from "@/components/ui/form";
import { cancelImport } from "@/lib/actions/imports/runs";
import { loadImportRun } from "@/lib/actions/imports/load";
import type { ImportRunView as RunViewData } from "@/lib/sources/overview";
import { formatNumber } from "@/lib/utils";
import { canCancelRunStatus } from "@/lib/vocabulary";
import { RejectedRows } from "./rejected-rows";

/** An import run as it goes, polled every 1.5 seconds until it ends: status, counts, steps and rejected rows. */
export function ImportRunView({ initial, canRun }: { initial: RunViewData; canRun: boolean }) {
  const { detail, running, cancel, cancelError } = useLiveRun({
    kind: "import-run",
    initial,
    load: (runId) => loadImportRun({ runId }),
    cancel: (runId) => cancelImport({ runId }),
  });
  const { run } = detail;
  const counts = [
    ["Read", run.read],
    ["Created", run.created],
    ["Updated", run.updated],
    ["Unchanged", run.unchanged],
    ["Deleted", run.deleted],
    ["Rejected", run.rejected],
  ] as const;

  return (
    <div className="flex flex-col gap-6">
      <Card className="p-4">
        <div className="flex flex-wrap items-center gap-3">
          <RunStatus status={run.status} />
          <span className="text-sm text-zinc-600">
            <Link href={`/sources/${run.importId}`} className="font-medium text-zinc-900 hover:underline">
              {detail.importName}
            </Link>{" "}
            · {describeTrigger(run.trigger)} · {formatNumber(run.pages)} {run.pages === 1 ? "page" : "pages"} read
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
        <RunTimes run={run} />
        <RunTotals counts={counts} problem="Rejected" className="mt-4" />
      </Card>
      <div className="grid gap-6 2xl:grid-cols-[minmax(0,22rem)_minmax(0,1fr)]">
        <Card className="2xl:self-start">
          <CardHeader title="Steps" />
          <StepTimeline steps={detail.steps} />
        </Card>
        <RejectedRows runId={run.id} running={running} />
      </div>
    </div>
  );
}
