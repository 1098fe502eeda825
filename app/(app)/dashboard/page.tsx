import { Dashboard } from "@/components/runs/dashboard";
import { ImportAlerts } from "@/components/imports/import-alerts";
import { FirstSteps } from "@/components/syncs/first-steps";
import { ButtonLink } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/permissions";
import { requirePageMember } from "@/lib/auth/session";
import { importsOverview } from "@/lib/sources/overview";
import { syncOverview } from "@/lib/syncs/overview";

export const metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  const { db, workspaceId, role } = await requirePageMember();
  const [overview, imports] = await Promise.all([syncOverview(db, { workspaceId }), importsOverview(db, { workspaceId })]);
  return (
    <>
      <PageHeader title="Dashboard" description="The health of every sync and import at a glance." actions={can(role, "editSyncs") && overview.length > 0 && <ButtonLink href="/syncs/new">Add sync</ButtonLink>} />
      <div className="flex flex-col gap-4">
        <ImportAlerts imports={imports} />
        {overview.length === 0 ? <FirstSteps db={db} workspaceId={workspaceId} role={role} /> : <Dashboard initial={overview} canRun={can(role, "runSyncs")} />}
      </div>
    </>
  );
}
