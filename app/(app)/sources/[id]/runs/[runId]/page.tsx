import { notFound } from "next/navigation";
import { z } from "zod";
import { ImportRunView } from "@/components/imports/import-run-view";
import { DateTime } from "@/components/ui/date-time";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/permissions";
import { requirePageMember } from "@/lib/auth/session";
import { NotFoundError } from "@/lib/errors";
import { importRunView } from "@/lib/sources/overview";

export const metadata = { title: "Import run" };

export default async function ImportRunPage({ params }: { params: Promise<{ id: string; runId: string }> }) {
  const { db, workspaceId, role } = await requirePageMember();
  const { id, runId } = await params;
  if (!z.uuid().safeParse(id).success || !z.uuid().safeParse(runId).success) notFound();
  const detail = await importRunView(db, { workspaceId, runId }).catch((e: unknown) => {
    if (e instanceof NotFoundError) notFound();
    throw e;
  });
  if (detail.run.importId !== id) notFound();
  return (
    <>
      <PageHeader
        title={`Run of ${detail.importName}`}
        description={
          <>
            Queued <DateTime value={detail.run.queuedAt} />
          </>
        }
      />
      <ImportRunView initial={detail} canRun={can(role, "runSyncs")} />
    </>
  );
}
