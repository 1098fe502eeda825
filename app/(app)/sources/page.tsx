import { Import, Plus } from "lucide-react";
import Link from "next/link";
import { SourceToggle } from "@/components/imports/source-toggle";
import { RunStatus } from "@/components/runs/run-status";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { manifests } from "@/connectors/manifests";
import { can } from "@/lib/auth/permissions";
import { requirePageMember } from "@/lib/auth/session";
import { entities } from "@/lib/entities/catalog";
import { importsOverview, sourceCandidates } from "@/lib/sources/overview";

export const metadata = { title: "Sources" };

export default async function SourcesPage() {
  const { db, workspaceId, role } = await requirePageMember();
  const [list, candidates] = await Promise.all([importsOverview(db, { workspaceId }), sourceCandidates(db, { workspaceId })]);
  const canEdit = can(role, "editSyncs");
  const admin = can(role, "manageConnections");
  const hasSource = candidates.some((c) => c.sourceId);
  return (
    <>
      <PageHeader
        title="Sources"
        description="Imports keep your entities filled from your own databases (a table, a view or a query) and folders of CSV files (SFTP, FTP), read on a schedule."
        actions={canEdit && hasSource && <ButtonLink href="/sources/new"><Plus className="size-4" aria-hidden /> Add import</ButtonLink>}
      />
      <div className="flex flex-col gap-6">
        {list.length === 0 ? (
          <EmptyState icon={Import} title="No imports yet">
            {!hasSource
              ? "An import reads a source: first an admin marks a PostgreSQL, MySQL, SFTP or FTP connection usable as one (below)."
              : canEdit
                ? (
                    <>
                      An import reads a table or a query of a source into contacts, products, orders…{" "}
                      <Link href="/sources/new" className="font-medium text-zinc-900 underline">
                        Add your first import
                      </Link>
                      .
                    </>
                  )
                : "An editor of your workspace adds imports."}
          </EmptyState>
        ) : (
          <Card>
            <Table aria-label="Imports">
              <thead>
                <tr>
                  <Th>Import</Th>
                  <Th>From</Th>
                  <Th>Into</Th>
                  <Th>Schedule</Th>
                  <Th>Last run</Th>
                </tr>
              </thead>
              <tbody>
                {list.map((i) => (
                  <tr key={i.id} className="hover:bg-zinc-50">
                    <Td>
                      <Link href={`/sources/${i.id}`} className="font-medium hover:underline">
                        {i.name}
                      </Link>
                      {!i.enabled && <Badge className="ml-2">paused</Badge>}
                    </Td>
                    <Td>
                      {i.sourceName} · <code className="text-xs">{i.reads}</code>
                    </Td>
                    <Td>{entities[i.entity].label}</Td>
                    <Td className="text-zinc-600">{i.schedule}</Td>
                    <Td>
                      {i.lastRun ? (
                        <Link href={`/sources/${i.id}/runs/${i.lastRun.id}`} className="hover:underline">
                          <RunStatus status={i.lastRun.status} />
                        </Link>
                      ) : (
                        <span className="text-zinc-400">never run</span>
                      )}
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          </Card>
        )}
        <Card>
          <CardHeader title="Source databases and folders">
            {admin && (
              <Link href="/connections/new?connector=postgres" className="text-sm text-zinc-600 hover:underline">
                Add a database connection
              </Link>
            )}
          </CardHeader>
          {candidates.length === 0 ? (
            <p className="p-4 text-sm text-zinc-500">
              No PostgreSQL, MySQL/MariaDB, SFTP or FTP connection yet. {admin ? "Add one (its credentials are the ones imports read with), then use it as a source." : "An admin of your workspace adds them."}
            </p>
          ) : (
            <Table aria-label="Source databases and folders">
              <thead>
                <tr>
                  <Th>Connection</Th>
                  <Th>Kind</Th>
                  <Th>Source</Th>
                  {admin && <Th />}
                </tr>
              </thead>
              <tbody>
                {candidates.map((c) => (
                  <tr key={c.connectionId}>
                    <Td className="font-medium">{c.name}</Td>
                    <Td>
                      <Badge>{manifests[c.connector]?.name ?? c.connector}</Badge>
                    </Td>
                    <Td>{c.sourceId ? <Badge tone="green">usable as a source</Badge> : <span className="text-zinc-400">not a source</span>}</Td>
                    {admin && (
                      <Td>
                        <SourceToggle connectionId={c.connectionId} sourceId={c.sourceId} name={c.name} />
                      </Td>
                    )}
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </Card>
      </div>
    </>
  );
}
