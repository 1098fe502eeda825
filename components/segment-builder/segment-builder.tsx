"use client";
import { useQuery } from "@tanstack/react-query";
import { Plus, Trash2 } from "lucide-react";
import { useDeferredValue, useState } from "react";
import { RowsTable } from "@/components/datasets/rows-table";
import { unwrap } from "@/components/ui/action-result";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { FormError, inputClass } from "@/components/ui/form";
import { loadQuickFilters, loadSegmentPreview, saveQuickFilter } from "@/lib/actions/syncs/builder";
import type { DatasetColumn } from "@/lib/datasets/definition";
import { type Condition, type FilterGroup, type Operator, operatorLabels, operatorsByType, takesValue } from "@/lib/segment/schema";
import { cn, formatNumber } from "@/lib/utils";
import { addCondition, addGroup, type Path, previewColumns, problemsByPath, removeNode, setColumn, setCombinator, setOperator, setValue, toStoredFilter } from "./model";

type Edit = (next: FilterGroup) => void;
type Problems = Map<string, string>;

function ValueInput({ condition, column, onChange, label }: { condition: Condition; column: DatasetColumn; onChange: (v: unknown) => void; label: string }) {
  const { operator, value } = condition;
  if (!takesValue(operator)) return null;
  if (operator === "in_last_days" || operator === "more_than_days_ago")
    return (
      <span className="flex items-center gap-1.5 text-sm">
        <input aria-label={`${label} days`} type="number" min={0} className={cn(inputClass, "w-20")} value={String(value ?? "")} onChange={(e) => onChange(e.target.value === "" ? "" : Number(e.target.value))} />
        days
      </span>
    );
  if (operator === "is_one_of")
    return (
      <input
        aria-label={`${label} values`}
        className={cn(inputClass, "w-56")}
        placeholder="Comma-separated values"
        defaultValue={Array.isArray(value) ? value.join(", ") : ""}
        onChange={(e) => onChange(e.target.value.split(",").map((v) => v.trim()).filter(Boolean))}
      />
    );
  const single = (v: unknown, set: (x: unknown) => void, suffix = "") => {
    if (column.type === "number")
      return <input aria-label={`${label} value${suffix}`} type="number" className={cn(inputClass, "w-28")} value={String(v ?? "")} onChange={(e) => set(e.target.value === "" ? "" : Number(e.target.value))} />;
    if (column.type === "date") return <input aria-label={`${label} value${suffix}`} type="date" className={cn(inputClass, "w-40")} value={String(v ?? "")} onChange={(e) => set(e.target.value)} />;
    if (column.type === "datetime")
      return (
        <input
          aria-label={`${label} value${suffix}`}
          type="datetime-local"
          className={cn(inputClass, "w-52")}
          value={typeof v === "string" && v ? v.slice(0, 16) : ""}
          onChange={(e) => set(e.target.value ? `${e.target.value}:00Z` : "")}
        />
      );
    return <input aria-label={`${label} value${suffix}`} className={cn(inputClass, "w-48")} value={String(v ?? "")} onChange={(e) => set(e.target.value)} />;
  };
  if (operator === "between") {
    const [low, high] = Array.isArray(value) ? value : ["", ""];
    return (
      <span className="flex items-center gap-1.5 text-sm">
        {single(low, (x) => onChange([x, high]), " from")} and {single(high, (x) => onChange([low, x]), " to")}
      </span>
    );
  }
  return single(value, onChange);
}

function Group({ root, group, path, columns, problems, onChange }: { root: FilterGroup; group: FilterGroup; path: Path; columns: DatasetColumn[]; problems: Problems; onChange: Edit }) {
  const nested = path.length > 0;
  const label = nested ? `Group ${path.map((p) => p + 1).join(".")}` : "All rows where";
  return (
    <div role="group" aria-label={label} className={cn("flex flex-col gap-2", nested && "rounded-md border border-dashed border-zinc-300 p-3")}>
      <div className="flex items-center gap-2 text-sm">
        <span className="text-zinc-500">Match</span>
        <select aria-label={`${label}: match`} className={cn(inputClass, "w-auto")} value={group.combinator} onChange={(e) => onChange(setCombinator(root, path, e.target.value as "and" | "or"))}>
          <option value="and">all of</option>
          <option value="or">any of</option>
        </select>
        {nested && (
          <Button variant="danger" aria-label={`Remove ${label}`} onClick={() => onChange(removeNode(root, path))}>
            <Trash2 className="size-4" aria-hidden />
          </Button>
        )}
      </div>
      {group.children.map((child, i) => {
        const at = [...path, i];
        if (child.type === "group") return <Group key={i} root={root} group={child} path={at} columns={columns} problems={problems} onChange={onChange} />;
        const column = columns.find((c) => c.name === child.column) ?? columns[0]!;
        const rowLabel = `Condition ${at.map((p) => p + 1).join(".")}`;
        const problem = problems.get(at.join("."));
        return (
          <div key={i} role="group" aria-label={rowLabel} className="flex flex-wrap items-center gap-2">
            <select aria-label={`${rowLabel} column`} className={cn(inputClass, "w-48")} value={child.column} onChange={(e) => onChange(setColumn(root, at, columns.find((c) => c.name === e.target.value)!))}>
              {columns.map((c) => (
                <option key={c.name} value={c.name}>
                  {c.name}
                </option>
              ))}
            </select>
            <select aria-label={`${rowLabel} operator`} className={cn(inputClass, "w-52")} value={child.operator} onChange={(e) => onChange(setOperator(root, at, e.target.value as Operator, column))}>
              {operatorsByType[column.type].map((op) => (
                <option key={op} value={op}>
                  {operatorLabels[op]}
                </option>
              ))}
            </select>
            <ValueInput condition={child} column={column} label={rowLabel} onChange={(v) => onChange(setValue(root, at, v))} />
            <Button variant="danger" aria-label={`Remove ${rowLabel}`} onClick={() => onChange(removeNode(root, at))}>
              <Trash2 className="size-4" aria-hidden />
            </Button>
            {problem && (
              <p role="alert" className="basis-full text-xs text-red-600">
                {problem}
              </p>
            )}
          </div>
        );
      })}
      <div className="flex gap-2">
        <Button variant="secondary" onClick={() => onChange(addCondition(root, path, columns[0]!))}>
          <Plus className="size-4" aria-hidden /> Condition{nested ? ` in ${label.toLowerCase()}` : ""}
        </Button>
        {path.length < 4 && (
          <Button variant="ghost" onClick={() => onChange(addGroup(root, path, columns[0]!))}>
            <Plus className="size-4" aria-hidden /> Group{nested ? ` in ${label.toLowerCase()}` : ""}
          </Button>
        )}
      </div>
    </div>
  );
}

/** The count and first rows of a dataset narrowed by a filter being edited (one query, shared by every view of it). */
export function useSegmentPreview(datasetId: string | undefined, value: FilterGroup) {
  const filter = useDeferredValue(toStoredFilter(value));
  return useQuery({
    queryKey: ["segment-preview", datasetId, filter],
    enabled: Boolean(datasetId),
    queryFn: async () => unwrap(await loadSegmentPreview({ datasetId: datasetId!, filter })),
    placeholderData: (previous) => previous,
  });
}

/** The visual segment builder with a live count and preview, and saved quick filters. */
export function SegmentBuilder({ datasetId, columns, value, onChange, canSave }: { datasetId: string; columns: DatasetColumn[]; value: FilterGroup; onChange: Edit; canSave: boolean }) {
  const preview = useSegmentPreview(datasetId, value);
  const filter = toStoredFilter(value);
  const problems = problemsByPath(value, columns);
  const saved = useQuery({ queryKey: ["quick-filters", datasetId], queryFn: async () => ((await loadQuickFilters({ datasetId })) as { ok: true; data: { id: string; name: string; filter: unknown }[] }).data ?? [] });
  const [name, setName] = useState("");
  const [note, setNote] = useState<{ saved?: string; error?: string }>({});
  return (
    <div className="grid gap-4 xl:grid-cols-[1fr_26rem]">
      <Card className="p-4">
        {(saved.data?.length ?? 0) > 0 && (
          <div className="mb-3 flex items-center gap-2 text-sm">
            <label htmlFor="quick-filter">Start from a saved filter</label>
            <select id="quick-filter" className={cn(inputClass, "w-56")} defaultValue="" onChange={(e) => e.target.value && onChange(saved.data!.find((s) => s.id === e.target.value)!.filter as FilterGroup)}>
              <option value="">—</option>
              {saved.data!.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
        )}
        <Group root={value} group={value} path={[]} columns={columns} problems={problems} onChange={onChange} />
        {canSave && (
          <div className="mt-4 flex items-center gap-2 border-t border-zinc-100 pt-3">
            <input aria-label="Quick filter name" placeholder="Save as a quick filter…" className={cn(inputClass, "w-56")} value={name} onChange={(e) => setName(e.target.value)} />
            <Button
              variant="secondary"
              disabled={!name || !filter || problems.size > 0}
              onClick={async () => {
                const result = await saveQuickFilter({ datasetId, name, filter });
                setNote(result.ok ? { saved: `Saved “${result.data.name}”` } : { error: result.error });
                if (result.ok) void saved.refetch();
              }}
            >
              Save filter
            </Button>
            {note.saved && <span className="text-xs text-zinc-500">{note.saved}</span>}
            <FormError className="py-1 text-xs" message={note.error} />
          </div>
        )}
      </Card>
      <Card>
        <CardHeader title="Matching rows">
          <span className="text-lg font-semibold tabular-nums" data-testid="segment-count">
            {preview.data ? formatNumber(preview.data.count) : "…"}
          </span>
        </CardHeader>
        {problems.size > 0 ? (
          <p className="p-4 text-sm text-amber-700">Complete the conditions marked in red to see the matching rows.</p>
        ) : preview.error ? (
          <p className="p-4 text-sm text-amber-700">{(preview.error as Error).message}</p>
        ) : !preview.data ? (
          <p className="p-4 text-sm text-zinc-500">Finding the matching rows…</p>
        ) : preview.data.count === 0 ? (
          <div className="p-6 text-center text-sm" data-testid="segment-empty">
            <p className="font-medium text-zinc-700">No row matches these conditions</p>
            <p className="mt-1 text-zinc-500">A sync with this segment would send nothing. Loosen a condition, or check its value for a typo.</p>
          </div>
        ) : (
          <RowsTable columns={previewColumns(columns, value)} rows={preview.data.rows} label="Segment preview" />
        )}
      </Card>
    </div>
  );
}
