"use client";
import { Plus, Trash2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { type FieldPath, useFieldArray, useForm, useWatch } from "react-hook-form";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Field, FormError, inputClass } from "@/components/ui/form";
import { createDataset } from "@/lib/actions/datasets/create-dataset";
import { type AggregateFn, aggregateFnLabels, aggregateFns, type DatasetDefinitionInput, datasetColumns, datasetDefinitionSchema } from "@/lib/datasets/definition";
import { entities, entityNames, type EntityName } from "@/lib/entities/catalog";

type AggregateRow = { name: string; collection: string; fn: AggregateFn; field: string; whereField: string; whereEquals: string };
type FormValues = { name: string; description: string; baseEntity: EntityName; fields: string[]; lookups: Record<string, string[]>; aggregates: AggregateRow[] };

const suggestName = (a: Pick<AggregateRow, "collection" | "fn" | "field" | "whereEquals">) =>
  [a.whereEquals, a.collection, a.fn === "count" ? "count" : `${a.fn}_${a.field}`].filter(Boolean).join("_").toLowerCase().replace(/[^a-z0-9_]/g, "_").slice(0, 63);

function toDefinition(v: FormValues): DatasetDefinitionInput {
  return {
    baseEntity: v.baseEntity,
    fields: v.fields,
    lookups: Object.entries(v.lookups)
      .filter(([, fields]) => fields.length > 0)
      .map(([lookup, fields]) => ({ lookup, fields })),
    aggregates: v.aggregates.map((a) => ({
      name: a.name,
      collection: a.collection,
      fn: a.fn,
      field: a.fn === "count" ? undefined : a.field || undefined,
      where: a.whereField ? { field: a.whereField, equals: a.whereEquals } : undefined,
    })),
  };
}

/** Maps a path of the action's input (definition.aggregates.0.field) to the form field that shows it. */
function formPath(path: string): FieldPath<FormValues> | undefined {
  const m = path.match(/^definition\.aggregates\.(\d+)\.(name|collection|fn|field|where)/);
  if (m) return `aggregates.${Number(m[1])}.${m[2] === "where" ? "whereField" : (m[2] as "name")}`;
  if (path === "name" || path === "description") return path;
  return undefined;
}

export function NewDatasetForm() {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [formError, setFormError] = useState<string>();
  const initialBase: EntityName = "contacts";
  const form = useForm<FormValues>({
    defaultValues: { name: "", description: "", baseEntity: initialBase, fields: entities[initialBase].fields.map((f) => f.name), lookups: {}, aggregates: [] },
  });
  const { register, setValue, setError, handleSubmit, formState } = form;
  const aggregates = useFieldArray({ control: form.control, name: "aggregates" });
  const values = useWatch({ control: form.control }) as FormValues;
  const base = entities[values.baseEntity];

  const parsedPreview = datasetDefinitionSchema.safeParse(toDefinition(values));
  const columns = parsedPreview.success ? datasetColumns(parsedPreview.data) : [];

  const showErrors = (fieldErrors: Record<string, string[]>) => {
    const unplaced: string[] = [];
    for (const [path, messages] of Object.entries(fieldErrors)) {
      const target = formPath(path);
      if (target) setError(target, { message: messages[0] });
      else unplaced.push(...messages);
    }
    setFormError(unplaced.length ? unplaced.join(" ") : "Please fix the highlighted fields.");
  };

  const onSubmit = handleSubmit((v) => {
    setFormError(undefined);
    const input = { name: v.name, description: v.description, definition: toDefinition(v) };
    startTransition(async () => {
      const result = await createDataset(input);
      if (result.ok) router.push(`/datasets/${result.data.id}`);
      else if (result.fieldErrors) showErrors(result.fieldErrors);
      else setFormError(result.error);
    });
  });

  const changeBase = (entity: EntityName) => {
    setValue("baseEntity", entity);
    setValue("fields", entities[entity].fields.map((f) => f.name));
    setValue("lookups", {});
    aggregates.replace([]);
  };

  const addAggregate = () => {
    const collection = base.collections[0];
    if (!collection) return;
    const row = { collection: collection.name, fn: "count" as const, field: "", whereField: "", whereEquals: "" };
    aggregates.append({ ...row, name: suggestName(row) });
  };

  const updateAggregate = (i: number, patch: Partial<AggregateRow>) => {
    const current = values.aggregates[i]!;
    const next = { ...current, ...patch };
    if (current.name === "" || current.name === suggestName(current)) next.name = suggestName(next);
    aggregates.update(i, next);
  };

  return (
    <form onSubmit={onSubmit} className="grid gap-6 lg:grid-cols-[1fr_18rem]" noValidate>
      <div className="flex flex-col gap-6">
        <Card className="grid gap-4 p-4 sm:grid-cols-2">
          <Field label="Name" htmlFor="name" error={formState.errors.name?.message}>
            <input id="name" className={inputClass} aria-invalid={!!formState.errors.name} {...register("name", { required: "Give the dataset a name" })} />
          </Field>
          <Field label="Description" htmlFor="description" hint="Optional">
            <input id="description" className={inputClass} {...register("description")} />
          </Field>
        </Card>

        <Card>
          <CardHeader title="Built from" />
          <fieldset className="flex flex-wrap gap-2 p-4">
            <legend className="sr-only">Base entity</legend>
            {entityNames.map((name) => (
              <label key={name} className="flex cursor-pointer items-center gap-2 rounded-md border border-zinc-300 px-3 py-1.5 text-sm has-checked:border-zinc-900 has-checked:bg-zinc-900 has-checked:text-white">
                <input type="radio" name="baseEntity" value={name} checked={values.baseEntity === name} onChange={() => changeBase(name)} className="sr-only" />
                {entities[name].label}
              </label>
            ))}
          </fieldset>
          <div className="border-t border-zinc-100 p-4">
            <p className="mb-2 text-sm font-medium">Fields</p>
            <div className="flex flex-wrap gap-x-4 gap-y-1.5">
              {base.fields.map((f) => (
                <label key={f.name} className="flex items-center gap-1.5 text-sm">
                  <input type="checkbox" value={f.name} disabled={f.name === "id"} {...register("fields")} />
                  <code>{f.name}</code>
                </label>
              ))}
            </div>
          </div>
        </Card>

        {base.lookups.length > 0 && (
          <Card>
            <CardHeader title="Related records" />
            <div className="flex flex-col gap-4 p-4">
              {base.lookups.map((l) => (
                <fieldset key={l.name}>
                  <legend className="mb-1.5 text-sm font-medium">
                    Fields of the {l.name} ({entities[l.entity].label.toLowerCase()}) — added as <code>{l.name}_…</code>
                  </legend>
                  <div className="flex flex-wrap gap-x-4 gap-y-1.5">
                    {entities[l.entity].fields.map((f) => (
                      <label key={f.name} className="flex items-center gap-1.5 text-sm">
                        <input type="checkbox" value={f.name} {...register(`lookups.${l.name}`)} />
                        <code>{f.name}</code>
                      </label>
                    ))}
                  </div>
                </fieldset>
              ))}
            </div>
          </Card>
        )}

        {base.collections.length > 0 && (
          <Card>
            <CardHeader title="Aggregates">
              <Button type="button" variant="secondary" onClick={addAggregate}>
                <Plus className="size-4" aria-hidden /> Add aggregate
              </Button>
            </CardHeader>
            {aggregates.fields.length === 0 && (
              <p className="p-4 text-sm text-zinc-500">
                Summarise related {base.collections.map((c) => c.name.replace("_", " ")).join(" or ")}: counts, totals, first and last dates, latest status.
              </p>
            )}
            <ol className="flex flex-col divide-y divide-zinc-100">
              {aggregates.fields.map((item, i) => {
                const row = values.aggregates[i] ?? item;
                const target = entities[base.collections.find((c) => c.name === row.collection)?.entity ?? base.collections[0]!.entity];
                const errors = formState.errors.aggregates?.[i];
                return (
                  <li key={item.id} className="grid gap-3 p-4 sm:grid-cols-2 xl:grid-cols-6" aria-label={`Aggregate ${i + 1}`}>
                    <Field label="Of" htmlFor={`agg-${i}-collection`} error={errors?.collection?.message}>
                      <select id={`agg-${i}-collection`} className={inputClass} value={row.collection} onChange={(e) => updateAggregate(i, { collection: e.target.value, field: "", whereField: "", whereEquals: "" })}>
                        {base.collections.map((c) => (
                          <option key={c.name} value={c.name}>
                            {entities[c.entity].label}
                          </option>
                        ))}
                      </select>
                    </Field>
                    <Field label="Function" htmlFor={`agg-${i}-fn`} error={errors?.fn?.message}>
                      <select id={`agg-${i}-fn`} className={inputClass} value={row.fn} onChange={(e) => updateAggregate(i, { fn: e.target.value as AggregateFn })}>
                        {aggregateFns.map((fn) => (
                          <option key={fn} value={fn}>
                            {aggregateFnLabels[fn]}
                          </option>
                        ))}
                      </select>
                    </Field>
                    <Field label="Field" htmlFor={`agg-${i}-field`} error={errors?.field?.message}>
                      <select id={`agg-${i}-field`} className={inputClass} value={row.field} disabled={row.fn === "count"} aria-invalid={!!errors?.field} onChange={(e) => updateAggregate(i, { field: e.target.value })}>
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
                      <select id={`agg-${i}-where`} className={inputClass} value={row.whereField} onChange={(e) => updateAggregate(i, { whereField: e.target.value, whereEquals: "" })}>
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
                          <select id={`agg-${i}-equals`} className={inputClass} value={row.whereEquals} onChange={(e) => updateAggregate(i, { whereEquals: e.target.value })}>
                            <option value="">Pick a value</option>
                            {choices.map((v) => (
                              <option key={v}>{v}</option>
                            ))}
                          </select>
                        ) : (
                          <input id={`agg-${i}-equals`} className={inputClass} value={row.whereEquals} disabled={!row.whereField} onChange={(e) => updateAggregate(i, { whereEquals: e.target.value })} />
                        );
                      })()}
                    </Field>
                    <div className="flex items-end gap-2">
                      <Field label="Column name" htmlFor={`agg-${i}-name`} error={errors?.name?.message} className="flex-1">
                        <input id={`agg-${i}-name`} className={inputClass} aria-invalid={!!errors?.name} value={row.name} onChange={(e) => aggregates.update(i, { ...row, name: e.target.value })} />
                      </Field>
                      <Button type="button" variant="danger" aria-label={`Remove aggregate ${i + 1}`} onClick={() => aggregates.remove(i)}>
                        <Trash2 className="size-4" aria-hidden />
                      </Button>
                    </div>
                  </li>
                );
              })}
            </ol>
          </Card>
        )}

        <FormError message={formError} />
        <div>
          <Button type="submit" disabled={pending}>
            {pending ? "Creating…" : "Create dataset"}
          </Button>
        </div>
      </div>

      <aside>
        <Card className="sticky top-8">
          <CardHeader title={`Columns (${columns.length})`} />
          {parsedPreview.success ? (
            <ul className="flex flex-col gap-1 p-4 text-sm" aria-label="Resulting columns">
              {columns.map((c) => (
                <li key={c.name} className="flex items-center justify-between gap-2">
                  <code className="truncate">{c.name}</code>
                  <Badge>{c.type}</Badge>
                </li>
              ))}
            </ul>
          ) : (
            <p className="p-4 text-sm text-amber-700">{parsedPreview.error.issues[0]?.message}</p>
          )}
        </Card>
      </aside>
    </form>
  );
}
