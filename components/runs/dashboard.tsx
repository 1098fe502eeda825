"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { unwrap } from "@/components/ui/action-result";
import { Attention } from "@/components/ui/attention";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { manifests } from "@/connectors/manifests";
import { cancelRun } from "@/lib/actions/syncs/runs";
import { loadDashboard } from "@/lib/actions/syncs/load";
import type { SyncOverview } from "@/lib/syncs/overview";
import { describeSchedule } from "@/lib/sync/schedule";
import { formatNumber } from "@/lib/utils";
import { HeldRunActions } from "./held-run-actions";
import { RunNow } from "./run-now";
import { canCancelRunStatus, isActiveRunStatus } from "@/lib/vocabulary";
import { DateTime } from "@/components/ui/date-time";
import { ProgressBar } from "./progress-bar";
import { RunStatus } from "./run-status";

const active = (s: SyncOverview) => s.lastRun && isActiveRunStatus(s.lastRun.status);

/** Every sync with its state, polled every 2 seconds; runs in progress show a progress bar and Cancel. */
export function Dashboard({ initial, canRun }: { initial: SyncOverview[]; canRun: boolean }) {
  const client = useQueryClient();
  const { data = initial } = useQuery({
    queryKey: ["dashboard"],
    initialData: initial,
    refetchInterval: 2_000,
    queryFn: async () => unwrap(await loadDashboard({})),
  });
  const refresh = () => void client.invalidateQueries({ queryKey: ["dashboard"] });
  const failing = data.filter((s) => s.lastRun && ["failed", "partial"].includes(s.lastRun.status));
  const held = data.filter((s) => s.lastRun?.status === "held");
  return (
    <div className="flex flex-col gap-4">
      <Attention testId="held-runs" items={alertsOf(held, (run) => `holds a run for confirmation: it would delete ${formatNumber(run.plannedDeletes)} records`)} />
      <Attention items={alertsOf(failing, (run) => (run.status === "failed" ? `failed: ${run.error ?? "see the run"}` : `rejected ${formatNumber(run.failed)} records`))} />
      <Card>
        <Table aria-label="Syncs">
          <thead>
            <tr>
              <Th>Sync</Th>
              <Th>
                Last run{" "}
                <span className="ml-1 font-normal text-zinc-400" data-testid="counts-legend">
                  + created ~ updated − deleted
                </span>
              </Th>
              <Th>Next run</Th>
              <Th className="w-80" />
            </tr>
          </thead>
          <tbody>
            {data.map((s) => {
              const run = s.lastRun;
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
                            <DateTime value={run.finishedAt ?? run.startedAt ?? run.queuedAt} />
                          </Link>
                        </span>
                        {run.status === "held" && canRun && <HeldRunActions runId={run.id} deletes={run.plannedDeletes} name={s.name} onDone={refresh} />}
                        {active(s) ? (
                          <div className="w-48" aria-label={`Progress of ${s.name}`}>
                            <ProgressBar run={run} />
                          </div>
                        ) : (
                          <span className="text-xs tabular-nums text-zinc-500" data-testid="run-counts">
                            <span title={`${formatNumber(run.created)} created`}>+{formatNumber(run.created)}</span> <span title={`${formatNumber(run.updated)} updated`}>~{formatNumber(run.updated)}</span>{" "}
                            <span title={`${formatNumber(run.deleted)} deleted`}>−{formatNumber(run.deleted)}</span> · {formatNumber(run.failed)} failed
                          </span>
                        )}
                      </div>
                    ) : (
                      <span className="text-zinc-400">never run</span>
                    )}
                  </Td>
                  <Td className="text-xs text-zinc-600">{s.nextRunAt ? <DateTime value={s.nextRunAt} /> : describeSchedule(s.schedule)}</Td>
                  <Td className="text-right">
                    {canRun &&
                      (active(s) ? (
                        <Button
                          variant="secondary"
                          aria-label={`Cancel the run of ${s.name}`}
                          disabled={!canCancelRunStatus(run!.status)}
                          onClick={async () => (await cancelRun({ runId: run!.id }), refresh())}
                        >
                          {canCancelRunStatus(run!.status) ? "Cancel" : "Cancelling…"}
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

type LatestRun = NonNullable<SyncOverview["lastRun"]>;

/** One alert item per sync, linking to its latest run. */
const alertsOf = (syncs: SyncOverview[], describe: (run: LatestRun) => string) => syncs.map((s) => ({ id: s.id, name: s.name, href: `/runs/${s.lastRun!.id}`, text: describe(s.lastRun!) }));
