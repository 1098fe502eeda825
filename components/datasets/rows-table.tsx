import { Table, Td, Th } from "@/components/ui/table";
import type { DatasetColumn } from "@/lib/datasets/definition";

function Cell({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span className="text-zinc-400">—</span>;
  if (typeof value === "boolean") return <span>{value ? "true" : "false"}</span>;
  return <span className="block max-w-64 truncate">{String(value)}</span>;
}

/** Rows of a dataset as a table: the dataset page, the wizard's preview and the segment preview. */
export function RowsTable({ columns, rows, label }: { columns: DatasetColumn[]; rows: Record<string, unknown>[]; label: string }) {
  return (
    <Table aria-label={label}>
      <thead>
        <tr>
          {columns.map((c) => (
            <Th key={c.name}>{c.name}</Th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          <tr key={i}>
            {columns.map((c) => (
              <Td key={c.name} className={c.type === "number" ? "text-right tabular-nums" : undefined}>
                <Cell value={row[c.name]} />
              </Td>
            ))}
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
