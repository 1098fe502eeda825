import { ImportForm } from "@/components/imports/import-form";
import { newImportDraft } from "@/components/imports/draft";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageMember } from "@/lib/auth/session";
import { importFormOptions } from "@/lib/sources/overview";

export const metadata = { title: "Add an import" };

export default async function NewImportPage() {
  const { db, workspaceId } = await requirePageMember("editSyncs");
  const options = await importFormOptions(db, { workspaceId });
  return (
    <>
      <PageHeader title="Add an import" description="Read a table or a query of a source into one of your entities, then keep it up to date on a schedule." />
      <ImportForm {...options} initial={newImportDraft(options.sources.length === 1 ? options.sources[0]!.id : undefined)} canSave />
    </>
  );
}
