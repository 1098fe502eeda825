import { RefreshCw } from "lucide-react";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata = { title: "Syncs" };

export default function SyncsPage() {
  return (
    <>
      <PageHeader title="Syncs" description="A sync sends the rows of a dataset to a destination, on a schedule or in real time." />
      <EmptyState icon={RefreshCw} title="No syncs yet">
        Building syncs is not available in this version yet.
      </EmptyState>
    </>
  );
}
