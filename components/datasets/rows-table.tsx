import Link from "next/link";
import { DateTime } from "@/components/ui/date-time";
import { Table, Td, Th } from "@/components/ui/table";
import type { DatasetColumn } from "@/lib/datasets/definition";
import type { ColumnType } from "@/lib/entities/catalog";
import { formatNumber } from "@/lib/utils";

function Cell({ value, type }: { value: unknown; type: ColumnType }) {
  if (value === null || value === undefined) return <span className="text-zinc-400">—</span>;
  if (typeof value === "boolean") return <span>{value ? "true" : "false"}</span>;
  if ((type === "date" || type === "datetime") && (typeof value === "string" || value instanceof Date)) return <DateTime value={value} day={type === "date"} />;
  if (type === "number" && Number.isFinite(Number(value))) return <span>{formatNumber(Number(value))}</span>;
  return <span className="block max-w-64 truncate">{String(value)}</span>;
}

/** Rows of a dataset as a table: the dataset page (where each row opens its record), the wizard's preview and the segment preview. */
export function RowsTable({ columns, rows, label, rowHref }: {
  columns: DatasetColumn[];
  rows: Record<string, unknown>[];
  label: string;
  rowHref?: (row: Record<string, unknown>) => string | undefined;
}) {
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
        {rows.map((row, i) => {
          const href = rowHref?.(row);
          return (
            <tr key={i} className={href ? "hover:bg-zinc-50" : undefined}>
              {columns.map((c, j) => (
                <Td key={c.name} className={c.type === "number" ? "text-right tabular-nums" : undefined}>
                  {href && j === 0 ? (
                    <Link href={href} className="font-medium text-blue-700 hover:underline">
                      <Cell value={row[c.name]} type={c.type} />
                    </Link>
                  ) : (
                    <Cell value={row[c.name]} type={c.type} />
                  )}
                </Td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}
