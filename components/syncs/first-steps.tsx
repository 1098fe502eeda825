import { RefreshCw } from "lucide-react";
import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";
import { can } from "@/lib/auth/permissions";
import type { Db } from "@/lib/db/client";
import { builderOptions } from "@/lib/syncs/builder-options";
import type { Role } from "@/lib/db/schema";

/** What stands between a first-time user and their first sync, in order. */
export async function FirstSteps({ db, workspaceId, role }: { db: Db; workspaceId: string; role: Role }) {
  const { datasets, connections } = await builderOptions(db, { workspaceId });
  const canEdit = can(role, "editSyncs");
  const canConnect = can(role, "manageConnections");
  if (datasets.length === 0)
    return (
      <EmptyState icon={RefreshCw} title="Start with a dataset">
        A sync sends the rows of a dataset.{" "}
        <Link href="/datasets/new" className="font-medium text-zinc-900 underline">
          Create a dataset
        </Link>{" "}
        from your contacts, products or orders first.
      </EmptyState>
    );
  if (connections.length === 0)
    return (
      <EmptyState icon={RefreshCw} title="Add a destination">
        {canConnect ? (
          <>
            A sync writes to a connection: a database, a CRM, an ad platform, a file or an API.{" "}
            <Link href="/connections/new" className="font-medium text-zinc-900 underline">
              Add your first connection
            </Link>
            .
          </>
        ) : (
          "An admin of your workspace adds the connections syncs write to."
        )}
      </EmptyState>
    );
  return (
    <EmptyState icon={RefreshCw} title="No syncs yet">
      {canEdit ? (
        <>
          Everything is ready.{" "}
          <Link href="/syncs/new" className="font-medium text-zinc-900 underline">
            Add your first sync
          </Link>{" "}
          to send a dataset to a destination.
        </>
      ) : (
        "An editor of your workspace builds the syncs."
      )}
    </EmptyState>
  );
}
