import { Cable } from "lucide-react";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata = { title: "Connections" };

export default function ConnectionsPage() {
  return (
    <>
      <PageHeader title="Connections" description="The destinations your syncs write to: databases, CRMs, ad platforms and files." />
      <EmptyState icon={Cable} title="No connections yet">
        Adding connections is not available in this version yet.
      </EmptyState>
    </>
  );
}
