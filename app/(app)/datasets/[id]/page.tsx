import { ChevronLeft, ChevronRight } from "lucide-react";
import { notFound } from "next/navigation";
import { z } from "zod";
import { RowsTable } from "@/components/datasets/rows-table";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageMember } from "@/lib/auth/session";
import { countDatasetRows, getDataset, previewDatasetRows } from "@/lib/db/queries/datasets";
import { entities } from "@/lib/entities/catalog";
import { formatNumber } from "@/lib/utils";

const PAGE_SIZE = 25;
const pageParam = z.coerce.number().int().min(1).catch(1);

export default async function DatasetPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ page?: string }> }) {
  const { id } = await params;
  if (!z.uuid().safeParse(id).success) notFound();
  const { db, workspaceId } = await requirePageMember();
  const dataset = await getDataset(db, { workspaceId, datasetId: id });
  if (!dataset) notFound();

  const total = await countDatasetRows(db, { workspaceId, definition: dataset.definition });
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const page = Math.min(pageParam.parse((await searchParams).page), pages);
  const rows = await previewDatasetRows(db, { workspaceId, definition: dataset.definition, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
  const first = total === 0 ? 0 : (page - 1) * PAGE_SIZE + 1;

  return (
    <>
      <PageHeader
        title={dataset.name}
        description={
          <>
            {dataset.description && <span className="block">{dataset.description}</span>}
            Built from {entities[dataset.definition.baseEntity].label.toLowerCase()} · primary key <code>{dataset.primaryKey}</code> ·{" "}
            <span data-testid="dataset-total">{formatNumber(total)}</span> rows
          </>
        }
      />
      <Card className="mb-6">
        <CardHeader title={`Columns (${dataset.columns.length})`} />
        <ul className="flex flex-wrap gap-2 p-4" aria-label="Columns">
          {dataset.columns.map((c) => (
            <li key={c.name} className="flex items-center gap-1.5 rounded-md border border-zinc-200 px-2 py-1 text-sm">
              <code>{c.name}</code>
              <Badge tone={c.type === "number" ? "blue" : c.type === "string" ? "neutral" : c.type === "boolean" ? "amber" : "green"}>{c.type}</Badge>
            </li>
          ))}
        </ul>
      </Card>
      <Card>
        <CardHeader title="Preview">
          <div className="flex items-center gap-3 text-sm text-zinc-500">
            <span>
              {formatNumber(first)}–{formatNumber(first + rows.length - (rows.length ? 1 : 0))} of {formatNumber(total)}
            </span>
            <ButtonLink variant="secondary" aria-label="Previous page" href={`?page=${page - 1}`} aria-disabled={page <= 1} className={page <= 1 ? "pointer-events-none opacity-40" : ""}>
              <ChevronLeft className="size-4" aria-hidden />
            </ButtonLink>
            <span>
              Page {page} of {pages}
            </span>
            <ButtonLink variant="secondary" aria-label="Next page" href={`?page=${page + 1}`} aria-disabled={page >= pages} className={page >= pages ? "pointer-events-none opacity-40" : ""}>
              <ChevronRight className="size-4" aria-hidden />
            </ButtonLink>
          </div>
        </CardHeader>
        {rows.length === 0 ? (
          <p className="p-6 text-sm text-zinc-500">This dataset has no rows yet.</p>
        ) : (
          <RowsTable
            columns={dataset.columns}
            rows={rows}
            label="Preview rows"
            rowHref={dataset.columns.some((c) => c.name === "id") ? (row) => `/datasets/${dataset.id}/records/${encodeURIComponent(String(row.id))}` : undefined}
          />
        )}
      </Card>
    </>
  );
}
