import { Card, CardHeader } from "@/components/ui/card";
import { inputClass } from "@/components/ui/form";
import type { DatasetColumn } from "@/lib/datasets/definition";
import { type CanvasState, columnNode, connect, disconnect, fieldNode } from "./model";

/** The canvas's keyboard alternative: each destination field with a select of what feeds it. */
export function MappingTable({ fields, columns, state, onChange }: { fields: { name: string; required?: boolean }[]; columns: DatasetColumn[]; state: CanvasState; onChange: (s: CanvasState) => void }) {
  return (
    <Card>
      <CardHeader title="Mapping (keyboard)" />
      <table className="w-full text-sm" aria-label="Mapping">
        <tbody>
          {fields.map((f) => {
            const current = state.links.find((l) => l.target === fieldNode(f.name));
            return (
              <tr key={f.name} className="border-b border-zinc-100">
                <td className="px-3 py-1.5">
                  <code>{f.name}</code> {f.required && <span className="text-red-600">*</span>}
                </td>
                <td className="px-3 py-1.5">
                  <select
                    aria-label={`Source of ${f.name}`}
                    className={inputClass}
                    value={current?.source ?? ""}
                    onChange={(e) => onChange(e.target.value ? connect(state, e.target.value, fieldNode(f.name)) : disconnect(state, fieldNode(f.name)))}
                  >
                    <option value="">— not mapped —</option>
                    {columns.map((c) => (
                      <option key={c.name} value={columnNode(c.name)}>
                        {c.name}
                      </option>
                    ))}
                    {state.constants.map((c) => (
                      <option key={c.id} value={c.id}>
                        {c.kind}: {c.text || "(empty)"}
                      </option>
                    ))}
                  </select>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Card>
  );
}
