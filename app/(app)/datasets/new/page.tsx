import { requirePageMember } from "@/lib/auth/session";
import { NewDatasetForm } from "@/components/datasets/new-dataset-form";
import { PageHeader } from "@/components/ui/page-header";

export const metadata = { title: "New dataset" };

export default async function NewDatasetPage() {
  await requirePageMember("editData");
  return (
    <>
      <PageHeader title="New dataset" description="Pick the entity the rows come from, the related fields to bring in, and the aggregates to compute." />
      <NewDatasetForm />
    </>
  );
}
