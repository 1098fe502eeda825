"use client";
import { useState, useTransition } from "react";
import type { ActionAnswer } from "@/components/ui/action-result";
import { Button } from "@/components/ui/button";
import { Field, FormError, inputClass } from "@/components/ui/form";
import { saveRecord } from "@/lib/actions/entities/edit-record";
import type { EntityField, EntityName } from "@/lib/entities/catalog";

type Outcome = ActionAnswer<{ updatedAt: string }>;

function Input({ field, value, onChange, readOnly, invalid }: { field: EntityField; value: string; onChange: (v: string) => void; readOnly: boolean; invalid: boolean }) {
  const common = { id: field.name, name: field.name, value, className: inputClass, "aria-invalid": invalid || undefined };
  const options = field.values ?? (field.type === "boolean" ? ["true", "false"] : undefined);
  if (options)
    return (
      <select {...common} disabled={readOnly} onChange={(e) => onChange(e.target.value)}>
        <option value="">—</option>
        {options.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
    );
  return <input {...common} readOnly={readOnly} inputMode={field.type === "number" ? "decimal" : undefined} onChange={(e) => onChange(e.target.value)} />;
}

/** A record's fields: editable for editors and up, read-only for viewers; a refusal keeps what was typed. */
export function RecordForm({ entity, recordId, fields, initial, readOnly }: {
  entity: EntityName;
  recordId: string;
  fields: EntityField[];
  initial: Record<string, string>;
  readOnly: boolean;
}) {
  const [values, setValues] = useState(initial);
  const [outcome, setOutcome] = useState<Outcome>();
  const [pending, startTransition] = useTransition();
  const failed = outcome && !outcome.ok ? outcome : undefined;
  return (
    <form
      aria-label="Record"
      className="grid gap-4 p-4 sm:grid-cols-2"
      onSubmit={(e) => {
        e.preventDefault();
        startTransition(async () => setOutcome(await saveRecord({ entity, id: recordId, values })));
      }}
    >
      {fields.map((f) => {
        const error = failed?.fieldErrors?.[f.name]?.[0];
        return (
          <Field key={f.name} label={f.name} htmlFor={f.name} error={error} hint={f.type === "string" && !f.values ? undefined : f.type}>
            <Input field={f} value={values[f.name] ?? ""} readOnly={readOnly} invalid={!!error} onChange={(v) => setValues((s) => ({ ...s, [f.name]: v }))} />
          </Field>
        );
      })}
      {!readOnly && (
        <div className="flex items-center gap-3 sm:col-span-2">
          <Button type="submit" disabled={pending}>
            {pending ? "Saving…" : "Save"}
          </Button>
          {outcome?.ok && (
            <span role="status" className="text-sm text-green-700">
              Saved · updated_at {outcome.data.updatedAt}
            </span>
          )}
          <FormError message={failed?.error} className="flex-1" />
        </div>
      )}
    </form>
  );
}
