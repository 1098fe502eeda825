"use client";
import { Badge } from "@/components/ui/badge";
import { Table, Td, Th } from "@/components/ui/table";
import { entities, type EntityName } from "@/lib/entities/catalog";
import type { Preview } from "@/lib/sources/schema";
import { importRejectKindLabels } from "@/lib/vocabulary";

const shown = (value: unknown) => (value === null || value === undefined ? <span className="text-zinc-400">—</span> : typeof value === "object" ? JSON.stringify(value) : String(value));

/** The first source rows as they will land in the entity: its id, fields and traits; a row that would be rejected is marked with why. */
export function PreviewTable({ preview, entity }: { preview: Preview; entity: EntityName }) {
  const fields = [...new Set(preview.rows.flatMap((r) => Object.keys(r.fields)))];
  const traits = [...new Set(preview.rows.flatMap((r) => Object.keys(r.traits)))];
  const rejected = preview.rows.filter((r) => r.problems.length > 0).length;
  if (preview.rows.length === 0) return <p className="text-sm text-zinc-500">The source returned no rows.</p>;
  return (
    <div className="flex flex-col gap-2">
      <p className="text-sm" role="status">
        The first {preview.rows.length} {preview.rows.length === 1 ? "row" : "rows"} as they will land in {entities[entity].label.toLowerCase()}
        {rejected > 0 ? <span className="text-red-700">: {rejected} would be rejected.</span> : ": every one fits."}
      </p>
      <div className="rounded-md border border-zinc-200">
        <Table aria-label="Import preview">
          <thead>
            <tr>
              <Th>id</Th>
              {fields.map((f) => (
                <Th key={f}>{f}</Th>
              ))}
              {traits.map((t) => (
                <Th key={`trait:${t}`}>
                  {t} <span className="font-normal text-zinc-400">(trait)</span>
                </Th>
              ))}
              <Th>Problems</Th>
            </tr>
          </thead>
          <tbody>
            {preview.rows.map((row, i) => (
              <tr key={i} data-testid="preview-row" className={row.problems.length ? "bg-red-50/60" : undefined}>
                <Td className="font-mono text-xs">{shown(row.id)}</Td>
                {fields.map((f) => (
                  <Td key={f}>{shown(row.fields[f])}</Td>
                ))}
                {traits.map((t) => (
                  <Td key={`trait:${t}`}>{shown(row.traits[t])}</Td>
                ))}
                <Td className="whitespace-normal">
                  {row.problems.map((p, j) => (
                    <span key={j} className="flex items-start gap-1.5 text-red-700">
                      <Badge tone="red">{importRejectKindLabels[p.kind]}</Badge>
                      {p.message}
                    </span>
                  ))}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </div>
    </div>
  );
}
