import { LayoutDashboard } from "lucide-react";
import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata = { title: "Dashboard" };

export default function DashboardPage() {
  return (
    <>
      <PageHeader title="Dashboard" description="The health of every sync at a glance." />
      <EmptyState icon={LayoutDashboard} title="No syncs yet">
        Once syncs exist, their status, last run and next scheduled run show here. Your data is already in{" "}
        <Link href="/datasets" className="font-medium text-zinc-900 underline">
          Datasets
        </Link>
        .
      </EmptyState>
    </>
  );
}
