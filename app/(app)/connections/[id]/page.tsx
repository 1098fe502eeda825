import { notFound } from "next/navigation";
import { z } from "zod";
import { ConnectionEditor } from "@/components/connections/connection-editor";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageMember } from "@/lib/auth/session";
import { requireConnection } from "@/lib/db/queries/connections";
import { NotFoundError } from "@/lib/errors";

export const metadata = { title: "Connection" };

export default async function ConnectionPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { db, workspaceId } = await requirePageMember("manageConnections");
  if (!z.uuid().safeParse(id).success) notFound();
  const connection = await requireConnection(db, { workspaceId, connectionId: id }).catch((e: unknown) => {
    if (e instanceof NotFoundError) notFound();
    throw e;
  });
  return (
    <>
      <PageHeader title={connection.name} description="Secrets are not shown: type them only to replace them." />
      <ConnectionEditor connector={connection.connector} existing={{ id: connection.id, name: connection.name, settings: connection.settings, rateLimit: connection.rateLimit }} />
    </>
  );
}
