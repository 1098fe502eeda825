"use client";
import { Plus } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { useFieldArray, useForm, useWatch } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Field, FormError, inputClass } from "@/components/ui/form";
import { createDataset } from "@/lib/actions/datasets/create-dataset";
import { entities, entityNames, type EntityName } from "@/lib/entities/catalog";
import { AggregateFields } from "./aggregate-fields";
import { DatasetColumns } from "./dataset-columns";
import { type AggregateRow, type FormValues, formPath, suggestName, toDefinition } from "./dataset-form-model";

/** A dataset built from a base entity, fields of related records and aggregates, with its columns shown as it takes shape. */
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
                return (
                  <AggregateFields
                    key={item.id}
                    i={i}
                    row={row}
                    base={base}
                    errors={formState.errors.aggregates?.[i]}
                    onChange={(patch) => updateAggregate(i, patch)}
                    onRename={(name) => aggregates.update(i, { ...row, name })}
                    onRemove={() => aggregates.remove(i)}
                  />
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

      <DatasetColumns values={values} />
    </form>
  );
}
