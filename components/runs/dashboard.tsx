"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { AlertTriangle } from "lucide-react";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { manifests } from "@/connectors/manifests";
import { cancelRun } from "@/lib/actions/syncs/runs";
import { loadDashboard } from "@/lib/actions/syncs/load";
import type { SyncOverview } from "@/lib/db/queries/overview";
import { describeSchedule } from "@/lib/sync/schedule";
import { formatNumber } from "@/lib/utils";
import { RunNow } from "./run-now";
import { RunStatus, when } from "./run-status";

const active = (s: SyncOverview) => s.lastRun && ["queued", "running"].includes(s.lastRun.status);

/** Every sync with its state, polled every 2 seconds; runs in progress show a progress bar and Cancel. */
export function Dashboard({ initial, canRun }: { initial: SyncOverview[]; canRun: boolean }) {
  const client = useQueryClient();
  const { data = initial } = useQuery({
    queryKey: ["dashboard"],
    initialData: initial,
    refetchInterval: 2_000,
    queryFn: async () => {
      const result = await loadDashboard({});
      if (!result.ok) throw new Error(result.error);
      return result.data;
    },
  });
  const refresh = () => void client.invalidateQueries({ queryKey: ["dashboard"] });
  const failing = data.filter((s) => s.lastRun && ["failed", "partial"].includes(s.lastRun.status));
  return (
    <div className="flex flex-col gap-4">
      {failing.length > 0 && (
        <div role="alert" className="flex items-start gap-2 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
          <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden />
          <span>
            {failing.map((s, i) => (
              <span key={s.id}>
                {i > 0 && "; "}
                <Link href={`/runs/${s.lastRun!.id}`} className="font-medium underline">
                  {s.name}
                </Link>{" "}
                {s.lastRun!.status === "failed" ? `failed: ${s.lastRun!.error ?? "see the run"}` : `rejected ${formatNumber(s.lastRun!.failed)} records`}
              </span>
            ))}
          </span>
        </div>
      )}
      <Card>
        <Table aria-label="Syncs">
          <thead>
            <tr>
              <Th>Sync</Th>
              <Th>Last run</Th>
              <Th>Next run</Th>
              <Th className="w-80" />
            </tr>
          </thead>
          <tbody>
            {data.map((s) => {
              const run = s.lastRun;
              const progress = run && run.planned > 0 ? Math.min(100, Math.round((run.delivered / run.planned) * 100)) : 0;
              return (
                <tr key={s.id} data-testid={`sync-row-${s.name}`} className="align-top">
                  <Td>
                    <Link href={`/syncs/${s.id}`} className="font-medium hover:underline">
                      {s.name}
                    </Link>
                    {!s.enabled && <span className="ml-2 text-xs text-zinc-500">paused</span>}
                    <p className="text-xs text-zinc-500">
                      {s.datasetName} → {s.connectionName} ({manifests[s.connector]?.name ?? s.connector})
                    </p>
                  </Td>
                  <Td>
                    {run ? (
                      <div className="flex flex-col gap-1">
                        <span className="flex items-center gap-2">
                          <RunStatus status={run.status} />
                          <Link href={`/runs/${run.id}`} className="text-xs text-zinc-600 hover:underline">
                            {when(run.finishedAt ?? run.startedAt ?? run.queuedAt)}
                          </Link>
                        </span>
                        {active(s) ? (
                          <div className="w-48" aria-label={`Progress of ${s.name}`}>
                            <div className="h-1.5 rounded bg-zinc-200">
                              <div className="h-1.5 rounded bg-blue-600 transition-[width]" style={{ width: `${progress}%` }} />
                            </div>
                            <p className="mt-0.5 text-xs tabular-nums text-zinc-500">
                              {formatNumber(run.delivered)} / {formatNumber(run.planned)} records
                            </p>
                          </div>
                        ) : (
                          <span className="text-xs tabular-nums text-zinc-500" data-testid="run-counts">
                            +{formatNumber(run.created)} ~{formatNumber(run.updated)} −{formatNumber(run.deleted)} · {formatNumber(run.failed)} failed
                          </span>
                        )}
                      </div>
                    ) : (
                      <span className="text-zinc-400">never run</span>
                    )}
                  </Td>
                  <Td className="text-xs text-zinc-600">{s.nextRunAt ? when(s.nextRunAt) : describeSchedule(s.schedule)}</Td>
                  <Td className="text-right">
                    {canRun &&
                      (active(s) ? (
                        <Button variant="secondary" aria-label={`Cancel the run of ${s.name}`} onClick={async () => (await cancelRun({ runId: run!.id }), refresh())}>
                          Cancel
                        </Button>
                      ) : (
                        <RunNow syncId={s.id} name={s.name} mode={s.mode} connector={s.connector} onStarted={refresh} />
                      ))}
                  </Td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      </Card>
    </div>
  );
}
