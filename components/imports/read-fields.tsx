"use client";
import { useQuery } from "@tanstack/react-query";
import { unwrap } from "@/components/ui/action-result";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/form";
import type { FieldError } from "@/components/sync-builder/types";
import { loadObjects } from "@/lib/actions/connections/load-destination";
import { afterImportChoices, badLineChoices, type FileRead, fileSourceConnectors, type ImportRead } from "@/lib/sources/schema";
import { cn } from "@/lib/utils";
import { isOneOf } from "@/lib/vocabulary";

export type ImportSource = { id: string; connectionId: string; name: string; connector: string };

const connectorLabels: Record<string, string> = { postgres: "PostgreSQL", mysql: "MySQL/MariaDB", sftp: "SFTP", ftp: "FTP" };
const badLineLabels: Record<FileRead["badLines"], string> = { reject_line: "Reject the line (logged with its number), import the rest", refuse_file: "Refuse the whole file (nothing from it imported)" };
const afterImportLabels: Record<FileRead["afterImport"], string> = { keep: "Leave it in the folder", move: "Move it to processed/ beside it" };
const newFileRead: FileRead = { type: "files", folder: "/", pattern: "*.csv", badLines: "reject_line", afterImport: "keep" };

/**
 * Where an import reads: the source, then a table or view (the connection's tables are suggested) or one read-only
 * query — or, from an SFTP/FTP source, a folder and a file name pattern with what a bad line and an imported file do.
 */
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
  const isFiles = (s?: ImportSource) => Boolean(s && isOneOf(fileSourceConnectors, s.connector));
  const tables = useQuery({ queryKey: ["objects", source?.connectionId], enabled: Boolean(source) && !isFiles(source), queryFn: async () => unwrap(await loadObjects({ connectionId: source!.connectionId })) });
  const ready = Boolean(source) && (read.type === "table" ? read.table.trim() !== "" : read.type === "query" ? read.sql.trim() !== "" : read.pattern.trim() !== "");
  // Another kind of source reads another kind of thing: files, or a table.
  const pickSource = (id?: string) => {
    onSource(id);
    const next = sources.find((s) => s.id === id);
    if (next && isFiles(next) !== (read.type === "files")) onRead(isFiles(next) ? newFileRead : { type: "table", table: "" });
  };
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <Field label="Source" htmlFor="source" error={fieldError("sourceId")} hint={sources.length === 0 ? "No source yet: an admin marks a PostgreSQL, MySQL, SFTP or FTP connection usable as one on the Sources page" : undefined}>
        <select id="source" className={inputClass} value={sourceId ?? ""} disabled={disabled} onChange={(e) => pickSource(e.target.value || undefined)}>
          <option value="">Pick a source</option>
          {sources.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name} ({connectorLabels[s.connector] ?? s.connector})
            </option>
          ))}
        </select>
      </Field>
      {read.type === "files" ? (
        <FileReadFields read={read} onRead={onRead} disabled={disabled} fieldError={fieldError} />
      ) : (
        <DatabaseReadFields read={read} onRead={onRead} tables={tables} disabled={disabled} fieldError={fieldError} />
      )}
      <div className="sm:col-span-2">
        <Button variant="secondary" disabled={!ready || reading || disabled} onClick={onReadColumns}>
          {reading ? "Reading…" : "Read columns"}
        </Button>
      </div>
    </div>
  );
}

/** A table or view, or one read-only query. */
function DatabaseReadFields({ read, onRead, tables, disabled, fieldError }: {
  read: Exclude<ImportRead, FileRead>;
  onRead: (read: ImportRead) => void;
  tables: { data?: { name: string }[]; error: Error | null };
  disabled: boolean;
  fieldError: FieldError;
}) {
  return (
    <>
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
    </>
  );
}

/** A folder and a file name pattern; what a bad line does; what becomes of an imported file. */
function FileReadFields({ read, onRead, disabled, fieldError }: { read: FileRead; onRead: (read: ImportRead) => void; disabled: boolean; fieldError: FieldError }) {
  return (
    <>
      <Field label="Folder" htmlFor="file-folder" hint="The folder on the server, such as /exports" error={fieldError("read.folder")}>
        <input id="file-folder" className={inputClass} disabled={disabled} value={read.folder} onChange={(e) => onRead({ ...read, folder: e.target.value })} />
      </Field>
      <Field label="File name pattern" htmlFor="file-pattern" hint="* stands for any characters, ? for one: contacts-*.csv (.csv.gz files are unzipped)" error={fieldError("read.pattern")}>
        <input id="file-pattern" className={inputClass} disabled={disabled} value={read.pattern} onChange={(e) => onRead({ ...read, pattern: e.target.value })} />
      </Field>
      <Field label="A bad line (wrong number of fields, bad quoting, a value of the wrong type)" htmlFor="file-bad-lines" error={fieldError("read.badLines")}>
        <select id="file-bad-lines" className={inputClass} disabled={disabled} value={read.badLines} onChange={(e) => onRead({ ...read, badLines: e.target.value as FileRead["badLines"] })}>
          {badLineChoices.map((c) => (
            <option key={c} value={c}>
              {badLineLabels[c]}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Once a file is imported" htmlFor="file-after" error={fieldError("read.afterImport")}>
        <select id="file-after" className={inputClass} disabled={disabled} value={read.afterImport} onChange={(e) => onRead({ ...read, afterImport: e.target.value as FileRead["afterImport"] })}>
          {afterImportChoices.map((c) => (
            <option key={c} value={c}>
              {afterImportLabels[c]}
            </option>
          ))}
        </select>
      </Field>
    </>
  );
}
