"use client";
import Link from "next/link";
import { RowsTable } from "@/components/datasets/rows-table";
import { Card } from "@/components/ui/card";
import { Field, inputClass } from "@/components/ui/form";
import { cn, formatNumber } from "@/lib/utils";
import type { BuilderDataset, FieldError } from "./types";

/** Step 1: the dataset the sync sends, with its row count and first rows. */
export function DatasetStep({ datasets, datasetId, onPick, sample, fieldError }: {
  datasets: BuilderDataset[];
  datasetId?: string;
  onPick: (datasetId?: string) => void;
  sample?: { count: number; rows: Record<string, unknown>[] };
  fieldError: FieldError;
}) {
  const dataset = datasets.find((d) => d.id === datasetId);
  return (
    <Card className="p-4">
      <Field label="Dataset" htmlFor="dataset" hint="The rows the sync sends." error={fieldError("datasetId")}>
        <select id="dataset" className={cn(inputClass, "max-w-md")} value={datasetId ?? ""} onChange={(e) => onPick(e.target.value || undefined)}>
          <option value="">Pick a dataset</option>
          {datasets.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      </Field>
      <p className="mt-2 text-sm text-zinc-500">
        Not there? <Link href="/datasets/new" className="underline">Create a dataset</Link>.
      </p>
      {sample && dataset && (
        <>
          <p className="mt-3 text-sm">
            {formatNumber(sample.count)} rows; columns {dataset.columns.map((c) => c.name).join(", ")}.
          </p>
          <div className="mt-3 rounded-md border border-zinc-200">
            <RowsTable columns={dataset.columns} rows={sample.rows} label="Dataset preview" />
          </div>
        </>
      )}
    </Card>
  );
}
