"use client";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, FormError, inputClass, submitKeeping } from "@/components/ui/form";
import { Table, Td, Th } from "@/components/ui/table";
import { importCsv } from "@/lib/actions/entities/import-csv";
import { entities, entityNames, type EntityName } from "@/lib/entities/catalog";
import { writableFields } from "@/lib/entities/records";

type Outcome = Awaited<ReturnType<typeof importCsv>>;

export function CsvImportForm() {
  const [entity, setEntity] = useState<EntityName>("contacts");
  const [outcome, setOutcome] = useState<Outcome>();
  const [pending, startTransition] = useTransition();

  // A refused file stays picked, to import again once the data is fixed.
  const submit = submitKeeping((formData) => {
    setOutcome(undefined);
    startTransition(async () => setOutcome(await importCsv(formData)));
  });

  return (
    <div className="flex flex-col gap-6">
      <Card className="p-4">
        <form onSubmit={submit} className="flex flex-wrap items-end gap-4">
          <Field label="The file contains" htmlFor="entity">
            <select id="entity" name="entity" className={inputClass} value={entity} onChange={(e) => setEntity(e.target.value as EntityName)}>
              {entityNames.map((name) => (
                <option key={name} value={name}>
                  {entities[name].label}
                </option>
              ))}
            </select>
          </Field>
          <Field label="CSV file" htmlFor="file" error={outcome?.ok === false ? outcome.fieldErrors?.file?.[0] : undefined}>
            <input id="file" name="file" type="file" accept=".csv,text/csv" required className={inputClass} />
          </Field>
          <Button type="submit" disabled={pending}>
            {pending ? "Importing…" : "Import"}
          </Button>
        </form>
        <p className="mt-4 text-xs text-zinc-500">
          First line: column names. <code>id</code> is required; rows with an existing id are updated. Known columns:{" "}
          {writableFields(entity).map((f, i) => (
            <span key={f.name}>
              {i > 0 && ", "}
              <code>{f.name}</code> ({f.values ? f.values.join(" | ") : f.type})
            </span>
          ))}
          . Other columns are kept as traits. Comma, semicolon or tab separated, UTF-8.
        </p>
      </Card>

      {outcome?.ok && (
        <p role="status" className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          Imported {outcome.data.imported} {entities[entity].label.toLowerCase()}.
        </p>
      )}
      {outcome?.ok === false && !outcome.fieldErrors?.file && (
        <FormError message={outcome.error}>
          {outcome.details && outcome.details.length > 0 && (
            <Card className="mt-3">
              <Table aria-label="Problems by line">
                <thead>
                  <tr>
                    <Th>Line</Th>
                    <Th>Problem</Th>
                  </tr>
                </thead>
                <tbody>
                  {outcome.details.map((d, i) => (
                    <tr key={i}>
                      <Td className="tabular-nums">{d.line}</Td>
                      <Td className="whitespace-normal">{d.message}</Td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            </Card>
          )}
        </FormError>
      )}
    </div>
  );
}
