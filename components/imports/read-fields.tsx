"use client";
import { useQuery } from "@tanstack/react-query";
import { unwrap } from "@/components/ui/action-result";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/form";
import type { FieldError } from "@/components/sync-builder/types";
import { loadObjects } from "@/lib/actions/connections/load-destination";
import type { ImportRead } from "@/lib/sources/schema";
import { cn } from "@/lib/utils";

export type ImportSource = { id: string; connectionId: string; name: string; connector: string };

/** Where an import reads: the source, then a table or view (the connection's tables are suggested) or one read-only query. */
export function ReadFields({ sources, sourceId, onSource, read, onRead, onReadColumns, reading, disabled, fieldError }: {
  sources: ImportSource[];
  sourceId?: string;
  onSource: (sourceId?: string) => void;
  read: ImportRead;
  onRead: (read: ImportRead) => void;
  onReadColumns: () => void;
  reading: boolean;
  disabled: boolean;
  fieldError: FieldError;
}) {
  const source = sources.find((s) => s.id === sourceId);
  const tables = useQuery({ queryKey: ["objects", source?.connectionId], enabled: Boolean(source), queryFn: async () => unwrap(await loadObjects({ connectionId: source!.connectionId })) });
  const ready = Boolean(source) && (read.type === "table" ? read.table.trim() !== "" : read.sql.trim() !== "");
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <Field label="Source" htmlFor="source" error={fieldError("sourceId")} hint={sources.length === 0 ? "No source yet: an admin marks a PostgreSQL or MySQL connection usable as one on the Sources page" : undefined}>
        <select id="source" className={inputClass} value={sourceId ?? ""} disabled={disabled} onChange={(e) => onSource(e.target.value || undefined)}>
          <option value="">Pick a source</option>
          {sources.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name} ({s.connector === "mysql" ? "MySQL/MariaDB" : "PostgreSQL"})
            </option>
          ))}
        </select>
      </Field>
      <fieldset className="flex flex-col gap-1" disabled={disabled}>
        <legend className="text-sm font-medium text-zinc-800">Read</legend>
        <div className="flex gap-4 pt-1.5 text-sm">
          <label className="flex items-center gap-1.5">
            <input type="radio" name="read-type" checked={read.type === "table"} onChange={() => onRead({ type: "table", table: "" })} /> A table or view
          </label>
          <label className="flex items-center gap-1.5">
            <input type="radio" name="read-type" checked={read.type === "query"} onChange={() => onRead({ type: "query", sql: "" })} /> A SQL query (read-only)
          </label>
        </div>
      </fieldset>
      {read.type === "table" ? (
        <>
          <Field label="Table or view" htmlFor="table" hint={tables.error ? `The tables could not be listed: ${tables.error.message}` : "Pick one of the tables, or type a view's name"} error={fieldError("read.table") && (read.table.trim() ? fieldError("read.table") : "Name the table or view to read")}>
            <input id="table" list="source-tables" className={inputClass} disabled={disabled} value={read.table} onChange={(e) => onRead({ ...read, table: e.target.value })} />
            <datalist id="source-tables">
              {tables.data?.map((t) => (
                <option key={t.name} value={t.name} />
              ))}
            </datalist>
          </Field>
          <Field label="Schema (PostgreSQL, optional)" htmlFor="table-schema" hint="Empty: the connection's own schema" error={fieldError("read.schema")}>
            <input id="table-schema" className={inputClass} disabled={disabled} value={read.schema ?? ""} onChange={(e) => onRead({ ...read, schema: e.target.value || undefined })} />
          </Field>
        </>
      ) : (
        <Field label="Query" htmlFor="sql" className="sm:col-span-2" hint="One SELECT (or WITH … SELECT): it runs in a read-only transaction with a time limit" error={fieldError("read.sql")}>
          <textarea id="sql" rows={5} spellCheck={false} className={cn(inputClass, "font-mono")} disabled={disabled} value={read.sql} onChange={(e) => onRead({ ...read, sql: e.target.value })} />
        </Field>
      )}
      <div className="sm:col-span-2">
        <Button variant="secondary" disabled={!ready || reading || disabled} onClick={onReadColumns}>
          {reading ? "Reading…" : "Read columns"}
        </Button>
      </div>
    </div>
  );
}
