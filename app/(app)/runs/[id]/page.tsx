import { notFound } from "next/navigation";
import { DateTime } from "@/components/ui/date-time";
import { RunView } from "@/components/runs/run-view";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/permissions";
import { requirePageMember } from "@/lib/auth/session";
import { runDetail } from "@/lib/syncs/overview";

export const metadata = { title: "Run" };

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const { db, workspaceId, role } = await requirePageMember();
  const { id } = await params;
  const detail = /^[0-9a-f-]{36}$/i.test(id) ? await runDetail(db, { workspaceId, runId: id }) : undefined;
  if (!detail) notFound();
  return (
    <>
      <PageHeader title={`Run of ${detail.sync.name}`} description={
          <>
            Queued <DateTime value={detail.run.queuedAt} />
          </>
        } />
      <RunView initial={detail} canRun={can(role, "runSyncs")} />
    </>
  );
}
