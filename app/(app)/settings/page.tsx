import { Settings } from "lucide-react";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { currentWorkspace } from "@/lib/current-workspace";

export const metadata = { title: "Settings" };

export default async function SettingsPage() {
  const { workspaceName } = await currentWorkspace();
  return (
    <>
      <PageHeader title="Settings" description={`Workspace “${workspaceName}”`} />
      <EmptyState icon={Settings} title="Nothing to configure yet">
        Members, API keys and notification channels are not available in this version yet.
      </EmptyState>
    </>
  );
}
