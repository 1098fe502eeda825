import { Plus } from "lucide-react";
import Link from "next/link";
import { RunStatus } from "@/components/runs/run-status";
import { FirstSteps } from "@/components/syncs/first-steps";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { manifests } from "@/connectors/manifests";
import { can } from "@/lib/auth/permissions";
import { requirePageMember } from "@/lib/auth/session";
import { syncOverview } from "@/lib/syncs/overview";
import { describeSchedule } from "@/lib/sync/schedule";
import { runModeLabels } from "@/lib/vocabulary";

export const metadata = { title: "Syncs" };

export default async function SyncsPage() {
  const { db, workspaceId, role } = await requirePageMember();
  const list = await syncOverview(db, { workspaceId });
  const canEdit = can(role, "editSyncs");
  return (
    <>
      <PageHeader
        title="Syncs"
        description="A sync sends the rows of a dataset to a destination, on a schedule or in real time."
        actions={canEdit && list.length > 0 && <ButtonLink href="/syncs/new"><Plus className="size-4" aria-hidden /> Add sync</ButtonLink>}
      />
      {list.length === 0 ? (
        <FirstSteps workspaceId={workspaceId} db={db} role={role} />
      ) : (
        <Card>
          <Table aria-label="Syncs">
            <thead>
              <tr>
                <Th>Sync</Th>
                <Th>From</Th>
                <Th>To</Th>
                <Th>Runs</Th>
                <Th>Last run</Th>
              </tr>
            </thead>
            <tbody>
              {list.map((s) => (
                <tr key={s.id} className="hover:bg-zinc-50">
                  <Td>
                    <Link href={`/syncs/${s.id}`} className="font-medium hover:underline">
                      {s.name}
                    </Link>
                    {!s.enabled && <Badge className="ml-2">paused</Badge>}
                  </Td>
                  <Td>{s.datasetName}</Td>
                  <Td>
                    {s.connectionName} · {s.object}
                    <span className="ml-1 text-xs text-zinc-500">({manifests[s.connector]?.name ?? s.connector})</span>
                  </Td>
                  <Td className="text-zinc-600">
                    {runModeLabels[s.mode]}, {describeSchedule(s.schedule)}
                  </Td>
                  <Td>{s.lastRun ? <RunStatus status={s.lastRun.status} /> : <span className="text-zinc-400">never run</span>}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}
    </>
  );
}
