import { History } from "lucide-react";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { DeleteImport } from "@/components/imports/delete-import";
import { savedImportDraft } from "@/components/imports/draft";
import { ImportForm } from "@/components/imports/import-form";
import { RunImportNow } from "@/components/imports/run-import-now";
import { describeTrigger, duration, RunStatus } from "@/components/runs/run-status";
import { Card, CardHeader } from "@/components/ui/card";
import { DateTime } from "@/components/ui/date-time";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { can } from "@/lib/auth/permissions";
import { requirePageMember } from "@/lib/auth/session";
import { entities } from "@/lib/entities/catalog";
import { NotFoundError } from "@/lib/errors";
import { importOf } from "@/lib/sources/manage";
import { describeRead, importFormOptions, importRuns } from "@/lib/sources/overview";
import { formatNumber } from "@/lib/utils";

export const metadata = { title: "Import" };

export default async function ImportPage({ params }: { params: Promise<{ id: string }> }) {
  const { db, workspaceId, role } = await requirePageMember();
  const { id } = await params;
  if (!z.uuid().safeParse(id).success) notFound();
  const found = await importOf(db, { workspaceId, importId: id }).catch((e: unknown) => {
    if (e instanceof NotFoundError) notFound();
    throw e;
  });
  const [runs, options] = await Promise.all([importRuns(db, { workspaceId, importId: found.id }), importFormOptions(db, { workspaceId })]);
  const source = options.sources.find((s) => s.id === found.sourceId);
  const canEdit = can(role, "editSyncs");
  return (
    <>
      <PageHeader
        title={found.name}
        description={`${source?.name ?? "?"} · ${describeRead(found.read)} → ${entities[found.entity].label}${found.enabled ? "" : " (paused)"}`}
        actions={
          <>
            {can(role, "runSyncs") && <RunImportNow importId={found.id} name={found.name} />}
            {canEdit && <DeleteImport id={found.id} name={found.name} />}
          </>
        }
      />
      <div className="flex flex-col gap-6">
        <Card>
          <CardHeader title="Runs" />
          {runs.length === 0 ? (
            <div className="p-4">
              <EmptyState icon={History} title="Not run yet">
                Runs appear here with how many rows each read, created, updated, deleted and rejected.
              </EmptyState>
            </div>
          ) : (
            <Table aria-label="Runs">
              <thead>
                <tr>
                  <Th>Run</Th>
                  <Th>Status</Th>
                  <Th>How</Th>
                  <Th>Duration</Th>
                  {["Read", "Created", "Updated", "Deleted", "Rejected"].map((label) => (
                    <Th key={label} className="text-right">
                      {label}
                    </Th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {runs.map((r) => (
                  <tr key={r.id} className="hover:bg-zinc-50">
                    <Td>
                      <Link href={`/sources/${found.id}/runs/${r.id}`} className="font-medium hover:underline">
                        <DateTime value={r.queuedAt} />
                      </Link>
                    </Td>
                    <Td>
                      <RunStatus status={r.status} />
                    </Td>
                    <Td className="text-zinc-600">{describeTrigger(r.trigger)}</Td>
                    <Td className="tabular-nums text-zinc-600">{r.startedAt ? duration(r.startedAt, r.finishedAt) : "—"}</Td>
                    {[r.read, r.created, r.updated, r.deleted, r.rejected].map((n, i) => (
                      <Td key={i} className="text-right tabular-nums">
                        {formatNumber(n)}
                      </Td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </Card>
        <section aria-labelledby="configuration">
          <h2 id="configuration" className="mb-3 text-lg font-semibold tracking-tight">
            Configuration
          </h2>
          <ImportForm {...options} importId={found.id} createdAt={found.createdAt.toISOString()} initial={savedImportDraft(found)} canSave={canEdit} />
        </section>
      </div>
    </>
  );
}
