import { requirePageMember } from "@/lib/auth/session";
import { CsvImportForm } from "@/components/datasets/csv-import-form";
import { PageHeader } from "@/components/ui/page-header";

export const metadata = { title: "Import CSV" };

export default async function ImportPage() {
  await requirePageMember("editData");
  return (
    <>
      <PageHeader title="Import a CSV file" description="Add or update contacts, products, orders, order items or consents. A file with any bad line imports nothing: every problem is listed by line." />
      <CsvImportForm />
    </>
  );
}
