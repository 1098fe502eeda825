import { History } from "lucide-react";
import Link from "next/link";
import { notFound } from "next/navigation";
import { HistoryChart } from "@/components/runs/history-chart";
import { RunNow } from "@/components/runs/run-now";
import { describeTrigger, duration, RunStatus } from "@/components/runs/run-status";
import { DateTime } from "@/components/ui/date-time";
import { savedSyncInitial } from "@/components/sync-builder/initial";
import { SyncBuilder } from "@/components/sync-builder/sync-builder";
import { DeleteSync } from "@/components/syncs/delete-sync";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { can } from "@/lib/auth/permissions";
import { requirePageMember } from "@/lib/auth/session";
import { syncRunHistory } from "@/lib/db/queries/overview";
import { builderOptions } from "@/lib/syncs/builder-options";
import { getSync } from "@/lib/db/queries/syncs";
import { formatNumber } from "@/lib/utils";
import { runModeLabels } from "@/lib/vocabulary";

export const metadata = { title: "Sync" };

export default async function SyncPage({ params }: { params: Promise<{ id: string }> }) {
  const { db, workspaceId, role } = await requirePageMember();
  const { id } = await params;
  const sync = /^[0-9a-f-]{36}$/i.test(id) ? await getSync(db, { workspaceId, syncId: id }) : undefined;
  if (!sync) notFound();
  const [runs, options] = await Promise.all([syncRunHistory(db, { workspaceId, syncId: sync.id, limit: 30 }), builderOptions(db, { workspaceId })]);
  const dataset = options.datasets.find((d) => d.id === sync.datasetId);
  const connection = options.connections.find((c) => c.id === sync.connectionId);
  const canEdit = can(role, "editSyncs");
  return (
    <>
      <PageHeader
        title={sync.name}
        description={`${dataset?.name ?? "?"} → ${connection?.name ?? "?"} · ${sync.object}${sync.enabled ? "" : " (paused)"}`}
        actions={
          <>
            {can(role, "runSyncs") && <RunNow syncId={sync.id} name={sync.name} mode={sync.mode} connector={connection?.connector ?? ""} follow />}
            {canEdit && <DeleteSync id={sync.id} name={sync.name} />}
          </>
        }
      />
      <div className="flex flex-col gap-6">
        <Card>
          <CardHeader title="Run history" />
          {runs.length === 0 ? (
            <div className="p-4">
              <EmptyState icon={History} title="Not run yet">
                Runs appear here with what each created, updated, deleted and rejected.
              </EmptyState>
            </div>
          ) : (
            <>
              <div className="p-4">
                <HistoryChart runs={runs} />
              </div>
              <Table aria-label="Runs">
                <thead>
                  <tr>
                    <Th>Run</Th>
                    <Th>Status</Th>
                    <Th>How</Th>
                    <Th>Duration</Th>
                    <Th className="text-right">Created</Th>
                    <Th className="text-right">Updated</Th>
                    <Th className="text-right">Deleted</Th>
                    <Th className="text-right">Failed</Th>
                  </tr>
                </thead>
                <tbody>
                  {runs.map((r) => (
                    <tr key={r.id} className="hover:bg-zinc-50">
                      <Td>
                        <Link href={`/runs/${r.id}`} className="font-medium hover:underline">
                          <DateTime value={r.queuedAt} />
                        </Link>
                      </Td>
                      <Td>
                        <RunStatus status={r.status} />
                      </Td>
                      <Td className="text-zinc-600">
                        {runModeLabels[r.mode]}, {describeTrigger(r.trigger)}
                      </Td>
                      <Td className="tabular-nums text-zinc-600">{r.startedAt ? duration(r.startedAt, r.finishedAt) : "—"}</Td>
                      {[r.created, r.updated, r.deleted, r.failed].map((n, i) => (
                        <Td key={i} className="text-right tabular-nums">
                          {formatNumber(n)}
                        </Td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </Table>
            </>
          )}
        </Card>
        <section aria-labelledby="configuration">
          <h2 id="configuration" className="mb-3 text-lg font-semibold tracking-tight">
            Configuration
          </h2>
          <SyncBuilder {...options} initial={savedSyncInitial(sync)} canSave={canEdit} />
        </section>
      </div>
    </>
  );
}
