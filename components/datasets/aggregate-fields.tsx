"use client";
import { Trash2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/form";
import { type AggregateFn, aggregateFnLabels, aggregateFns } from "@/lib/datasets/definition";
import { entities, type EntityName } from "@/lib/entities/catalog";
import type { AggregateRow } from "./dataset-form-model";

type RowErrors = Partial<Record<keyof AggregateRow, { message?: string }>>;

/** One aggregate of the dataset: what it summarises, how, over which related records, and its column name. */
export function AggregateFields({ i, row, base, errors, onChange, onRename, onRemove }: {
  i: number;
  row: AggregateRow;
  base: (typeof entities)[EntityName];
  errors?: RowErrors;
  onChange: (patch: Partial<AggregateRow>) => void;
  onRename: (name: string) => void;
  onRemove: () => void;
}) {
  const target = entities[base.collections.find((c) => c.name === row.collection)?.entity ?? base.collections[0]!.entity];
  return (
    <li className="grid gap-3 p-4 sm:grid-cols-2 xl:grid-cols-6" aria-label={`Aggregate ${i + 1}`}>
      <Field label="Of" htmlFor={`agg-${i}-collection`} error={errors?.collection?.message}>
        <select id={`agg-${i}-collection`} className={inputClass} value={row.collection} onChange={(e) => onChange({ collection: e.target.value, field: "", whereField: "", whereEquals: "" })}>
          {base.collections.map((c) => (
            <option key={c.name} value={c.name}>
              {entities[c.entity].label}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Function" htmlFor={`agg-${i}-fn`} error={errors?.fn?.message}>
        <select id={`agg-${i}-fn`} className={inputClass} value={row.fn} onChange={(e) => onChange({ fn: e.target.value as AggregateFn })}>
          {aggregateFns.map((fn) => (
            <option key={fn} value={fn}>
              {aggregateFnLabels[fn]}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Field" htmlFor={`agg-${i}-field`} error={errors?.field?.message}>
        <select id={`agg-${i}-field`} className={inputClass} value={row.field} disabled={row.fn === "count"} aria-invalid={!!errors?.field} onChange={(e) => onChange({ field: e.target.value })}>
          <option value="">{row.fn === "count" ? "—" : "Pick a field"}</option>
          {target.fields
            .filter((f) => (row.fn === "sum" || row.fn === "avg" ? f.type === "number" : true))
            .map((f) => (
              <option key={f.name} value={f.name}>
                {f.name}
              </option>
            ))}
        </select>
      </Field>
      <Field label="Only where" htmlFor={`agg-${i}-where`} error={errors?.whereField?.message} hint="Optional">
        <select id={`agg-${i}-where`} className={inputClass} value={row.whereField} onChange={(e) => onChange({ whereField: e.target.value, whereEquals: "" })}>
          <option value="">all records</option>
          {target.fields.map((f) => (
            <option key={f.name} value={f.name}>
              {f.name} =
            </option>
          ))}
        </select>
      </Field>
      <Field label="Equals" htmlFor={`agg-${i}-equals`}>
        {(() => {
          const choices = target.fields.find((f) => f.name === row.whereField)?.values;
          return choices ? (
            <select id={`agg-${i}-equals`} className={inputClass} value={row.whereEquals} onChange={(e) => onChange({ whereEquals: e.target.value })}>
              <option value="">Pick a value</option>
              {choices.map((v) => (
                <option key={v}>{v}</option>
              ))}
            </select>
          ) : (
            <input id={`agg-${i}-equals`} className={inputClass} value={row.whereEquals} disabled={!row.whereField} onChange={(e) => onChange({ whereEquals: e.target.value })} />
          );
        })()}
      </Field>
      <div className="flex items-end gap-2">
        <Field label="Column name" htmlFor={`agg-${i}-name`} error={errors?.name?.message} className="flex-1">
          <input id={`agg-${i}-name`} className={inputClass} aria-invalid={!!errors?.name} value={row.name} onChange={(e) => onRename(e.target.value)} />
        </Field>
        <Button type="button" variant="danger" aria-label={`Remove aggregate ${i + 1}`} onClick={onRemove}>
          <Trash2 className="size-4" aria-hidden />
        </Button>
      </div>
    </li>
  );
}
