import { Database, Plus, Upload } from "lucide-react";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { can } from "@/lib/auth/permissions";
import { requirePageMember } from "@/lib/auth/session";
import { countDatasetRows, listDatasets } from "@/lib/db/queries/datasets";
import { countEntityRows } from "@/lib/db/queries/entities";
import { entities, entityNames } from "@/lib/entities/catalog";
import { formatNumber } from "@/lib/utils";

export const metadata = { title: "Datasets" };

export default async function DatasetsPage() {
  const { db, workspaceId, role } = await requirePageMember();
  const list = await listDatasets(db, { workspaceId });
  const [rowCounts, entityCounts] = await Promise.all([
    Promise.all(list.map((d) => countDatasetRows(db, { workspaceId, definition: d.definition }))),
    countEntityRows(db, { workspaceId }),
  ]);

  return (
    <>
      <PageHeader
        title="Datasets"
        description="Typed views of your data, built from one entity plus related records and aggregates. Syncs send their rows."
        actions={
          can(role, "editData") && (
            <>
              <ButtonLink variant="secondary" href="/datasets/import">
                <Upload className="size-4" aria-hidden /> Import CSV
              </ButtonLink>
              <ButtonLink href="/datasets/new">
                <Plus className="size-4" aria-hidden /> New dataset
              </ButtonLink>
            </>
          )
        }
      />
      {list.length === 0 ? (
        <EmptyState icon={Database} title="No datasets yet">
          Create one from your contacts, products or orders.
        </EmptyState>
      ) : (
        <Card>
          <Table aria-label="Datasets">
            <thead>
              <tr>
                <Th>Name</Th>
                <Th>Built from</Th>
                <Th className="text-right">Columns</Th>
                <Th className="text-right">Rows</Th>
              </tr>
            </thead>
            <tbody>
              {list.map((d, i) => (
                <tr key={d.id} className="hover:bg-zinc-50">
                  <Td>
                    <Link href={`/datasets/${d.id}`} className="font-medium hover:underline">
                      {d.name}
                    </Link>
                    {d.builtIn && <Badge className="ml-2">built-in</Badge>}
                    {d.description && <p className="max-w-md truncate text-xs text-zinc-500">{d.description}</p>}
                  </Td>
                  <Td>{entities[d.definition.baseEntity].label}</Td>
                  <Td className="text-right tabular-nums">{d.columns.length}</Td>
                  <Td className="text-right tabular-nums" data-testid="dataset-row-count">
                    {formatNumber(rowCounts[i]!)}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}
      <Card className="mt-6">
        <CardHeader title="Your data">
          {can(role, "editData") && (
            <Link href="/datasets/import" className="text-sm text-zinc-600 hover:underline">
              Import a CSV file
            </Link>
          )}
        </CardHeader>
        <dl className="grid grid-cols-2 gap-px bg-zinc-100 sm:grid-cols-5">
          {entityNames.map((name) => (
            <div key={name} className="bg-white px-4 py-3">
              <dt className="text-xs text-zinc-500">{entities[name].label}</dt>
              <dd className="text-lg font-semibold tabular-nums">{formatNumber(entityCounts[name])}</dd>
            </div>
          ))}
        </dl>
      </Card>
    </>
  );
}
