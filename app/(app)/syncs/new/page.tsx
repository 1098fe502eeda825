import { newSyncInitial } from "@/components/sync-builder/initial";
import { SyncBuilder } from "@/components/sync-builder/sync-builder";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageMember } from "@/lib/auth/session";
import { builderOptions } from "@/lib/syncs/builder-options";

export const metadata = { title: "Add a sync" };

export default async function NewSyncPage({ searchParams }: { searchParams: Promise<{ dataset?: string }> }) {
  const { db, workspaceId } = await requirePageMember("editSyncs");
  const [{ dataset }, options] = await Promise.all([searchParams, builderOptions(db, { workspaceId })]);
  return (
    <>
      <PageHeader title="Add a sync" description="Pick the rows, narrow them with a segment, choose where they go and map the fields." />
      <SyncBuilder {...options} initial={newSyncInitial(options.datasets.some((d) => d.id === dataset) ? dataset : undefined)} canSave />
    </>
  );
}
