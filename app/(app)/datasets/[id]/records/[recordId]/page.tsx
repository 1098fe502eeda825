import { notFound } from "next/navigation";
import { z } from "zod";
import { RecordForm } from "@/components/datasets/record-form";
import { ButtonLink } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/permissions";
import { requirePageMember } from "@/lib/auth/session";
import { getDataset } from "@/lib/db/queries/datasets";
import { entities } from "@/lib/entities/catalog";
import { getEntityRecord } from "@/lib/entities/edit-record";
import { writableFields } from "@/lib/entities/records";

const shown = (v: unknown) => (v === null || v === undefined ? "" : v instanceof Date ? v.toISOString() : String(v));

export default async function RecordPage({ params }: { params: Promise<{ id: string; recordId: string }> }) {
  const { id, recordId } = await params;
  if (!z.uuid().safeParse(id).success) notFound();
  const { db, workspaceId, role } = await requirePageMember();
  const dataset = await getDataset(db, { workspaceId, datasetId: id });
  if (!dataset) notFound();
  const entity = dataset.definition.baseEntity;
  const recordKey = decodeURIComponent(recordId);
  const record = await getEntityRecord(db, { workspaceId, entity, id: recordKey });
  if (!record) notFound();
  const fields = writableFields(entity).filter((f) => f.name !== "id");
  const readOnly = !can(role, "editData");
  const traits = Object.entries(record.traits ?? {});

  return (
    <>
      <PageHeader
        title={`${entities[entity].label.replace(/s$/, "")} ${recordKey}`}
        description={
          <>
            In dataset {dataset.name} · created {shown(record.created_at)} · updated <span data-testid="record-updated-at">{shown(record.updated_at)}</span>
            {readOnly && <span className="block">Your role can view this record, not edit it.</span>}
          </>
        }
        actions={
          <ButtonLink variant="secondary" href={`/datasets/${id}`}>
            Back to {dataset.name}
          </ButtonLink>
        }
      />
      <Card className="mb-6">
        <CardHeader title="Fields" />
        <RecordForm entity={entity} recordId={recordKey} fields={[...fields]} initial={Object.fromEntries(fields.map((f) => [f.name, shown(record[f.name])]))} readOnly={readOnly} />
      </Card>
      <Card>
        <CardHeader title={`Traits (${traits.length})`} />
        {traits.length === 0 ? (
          <p className="p-4 text-sm text-zinc-500">This record has no traits.</p>
        ) : (
          <dl aria-label="Traits" className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2 p-4 text-sm">
            {traits.map(([key, value]) => (
              <div key={key} className="contents">
                <dt className="font-mono text-zinc-600">{key}</dt>
                <dd>{typeof value === "string" ? value : JSON.stringify(value)}</dd>
              </div>
            ))}
          </dl>
        )}
      </Card>
    </>
  );
}
