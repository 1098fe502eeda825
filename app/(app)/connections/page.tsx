import { Cable, Plus } from "lucide-react";
import Link from "next/link";
import { ConnectorLogo } from "@/components/connections/connector-logo";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { manifests } from "@/connectors/manifests";
import { can } from "@/lib/auth/permissions";
import { requirePageMember } from "@/lib/auth/session";
import { listConnections } from "@/lib/db/queries/connections";

export const metadata = { title: "Connections" };

export default async function ConnectionsPage() {
  const { db, workspaceId, role } = await requirePageMember();
  const list = await listConnections(db, { workspaceId });
  const admin = can(role, "manageConnections");
  return (
    <>
      <PageHeader
        title="Connections"
        description="The destinations your syncs write to: databases, CRMs, ad platforms, files and APIs."
        actions={admin && list.length > 0 && <ButtonLink href="/connections/new"><Plus className="size-4" aria-hidden /> Add connection</ButtonLink>}
      />
      {list.length === 0 ? (
        <EmptyState icon={Cable} title="No connections yet">
          {admin ? (
            <>
              A connection is where a sync sends rows.{" "}
              <Link href="/connections/new" className="font-medium text-zinc-900 underline">
                Add your first connection
              </Link>
              .
            </>
          ) : (
            "An admin of your workspace adds connections."
          )}
        </EmptyState>
      ) : (
        <Card>
          <Table aria-label="Connections">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Destination</Th>
                <Th>Rate budget</Th>
              </tr>
            </thead>
            <tbody>
              {list.map((c) => (
                <tr key={c.id} className="hover:bg-zinc-50">
                  <Td>{admin ? <Link href={`/connections/${c.id}`} className="font-medium hover:underline">{c.name}</Link> : c.name}</Td>
                  <Td>
                    <span className="inline-flex items-center gap-1.5">
                      {manifests[c.connector] && <ConnectorLogo connector={c.connector} size={16} />}
                      <Badge>{manifests[c.connector]?.name ?? c.connector}</Badge>
                    </span>
                  </Td>
                  <Td className="text-zinc-500">{c.rateLimit ? `${c.rateLimit.maxRequests} requests / ${c.rateLimit.windowSeconds} s` : "none"}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}
    </>
  );
}
