"use client";
import "@xyflow/react/dist/style.css";
import { Background, type Connection, Controls, type Dimensions, type Edge, Handle, type Node, type NodeChange, type NodeProps, PanOnScrollMode, Position, ReactFlow } from "@xyflow/react";
import { KeyRound, Plus, Trash2, Wand2 } from "lucide-react";
import { useMemo, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { inputClass } from "@/components/ui/form";
import type { DestinationField } from "@/connectors/types";
import type { DatasetColumn } from "@/lib/datasets/definition";
import { CastError, castLabels } from "@/lib/mapping/casts";
import type { Mapping, MatchKey } from "@/lib/mapping/schema";
import { buildPayload } from "@/lib/mapping/payload";
import { namedFields, validateMapping } from "@/lib/mapping/validate";
import { cn } from "@/lib/utils";
import { layout, NODE_HEIGHT } from "./layout";
import { MappingTable } from "./mapping-table";
import { TransformEditor, withCast } from "./transform-editor";
import { autoMap, type CanvasState, canvasToSync, columnNode, connect, defaultMatchKey, disconnect, fieldNode, setTransforms } from "./model";

type ColumnData = { label: string; type: string };
type FieldData = { label: string; type: string; required: boolean; keyKind?: string; isMatch: boolean; problem?: string };
type ConstantData = { id: string; kind: "value" | "template"; text: string; onText: (text: string) => void; onRemove: () => void };

function ColumnNode({ data }: NodeProps<Node<ColumnData>>) {
  return (
    <div className="flex w-52 items-center justify-between gap-2 rounded-md border border-zinc-300 bg-white px-2.5 py-1.5 text-xs shadow-xs">
      <code className="truncate">{data.label}</code>
      <Badge>{data.type}</Badge>
      <Handle type="source" position={Position.Right} className="!size-3 !bg-zinc-700" />
    </div>
  );
}

function FieldNode({ data }: NodeProps<Node<FieldData>>) {
  return (
    <div className={cn("flex w-60 items-center gap-2 rounded-md border bg-white px-2.5 py-1.5 text-xs shadow-xs", data.problem ? "border-amber-400" : "border-zinc-300")} title={data.problem}>
      <Handle type="target" position={Position.Left} className="!size-3 !bg-blue-600" />
      <code className="truncate">{data.label}</code>
      {data.required && <span className="text-red-600" title="Required">*</span>}
      {data.keyKind && <KeyRound className={cn("size-3.5", data.isMatch ? "text-blue-600" : "text-zinc-400")} aria-label={data.isMatch ? "match key" : `${data.keyKind} key`} />}
      <Badge className="ml-auto">{data.type}</Badge>
    </div>
  );
}

function ConstantNode({ data }: NodeProps<Node<ConstantData>>) {
  return (
    <div className="flex w-56 items-center gap-1.5 rounded-md border border-violet-300 bg-violet-50 px-2 py-1.5 text-xs shadow-xs">
      <span className="font-medium text-violet-700">{data.kind === "template" ? "Template" : "Value"}</span>
      <input aria-label={`${data.kind === "template" ? "Template" : "Static value"} ${data.id}`} className="nodrag min-w-0 flex-1 rounded border border-violet-200 bg-white px-1 py-0.5" value={data.text} onChange={(e) => data.onText(e.target.value)} />
      <button type="button" aria-label={`Remove ${data.id}`} className="nodrag text-violet-700" onClick={data.onRemove}>
        <Trash2 className="size-3.5" aria-hidden />
      </button>
      <Handle type="source" position={Position.Right} className="!size-3 !bg-violet-600" />
    </div>
  );
}

const nodeTypes = { column: ColumnNode, field: FieldNode, constant: ConstantNode };
const PAD = 24;
/** The band above the nodes where the zoom controls sit, so they never cover a node as first drawn. */
const CONTROLS_BAND = 40;
const MAX_HEIGHT = 720;

/** The first row as the destination receives it, or why a cast refuses it. */
function samplePayload(row: Record<string, unknown>, mapping: Mapping, matchKey: MatchKey): string {
  try {
    return JSON.stringify(buildPayload(row, mapping, matchKey), null, 2);
  } catch (error) {
    if (error instanceof CastError) return `This record would fail: ${error.message}`;
    throw error;
  }
}

/**
 * Dataset fields on the left, destination fields on the right: drag from one handle to another to map,
 * add static values and templates, click a link to transform or remove it. Every action has a
 * keyboard alternative in the table below the canvas. Where the sync names the destination's fields
 * (`freeFields`: a file's columns), the user adds them, and auto-map adds one per dataset column.
 * `columnsOnly` (an import): links come only from columns and land as they are — no static values, templates or
 * transforms — and the caller shows the type problems (its preview converts real rows).
 */
export function MappingCanvas(props: {
  columns: DatasetColumn[];
  fields: DestinationField[];
  freeFields?: boolean;
  columnsOnly?: boolean;
  state: CanvasState;
  onChange: (s: CanvasState) => void;
  sampleRow?: Record<string, unknown>;
}) {
  const { columns, state, onChange, sampleRow, freeFields, columnsOnly } = props;
  const [selected, setSelected] = useState<string>();
  const [added, setAdded] = useState<string[]>([]);
  // The sizes React Flow measured, given back on every node: the nodes are rebuilt on each change, and a node
  // without its size is hidden and measured again, its handles lost until then (a link drawn meanwhile is missed).
  const [measured, setMeasured] = useState<Record<string, Dimensions>>({});
  const [newField, setNewField] = useState("");
  const fields = freeFields ? namedFields([...props.fields.map((f) => f.name), ...state.links.map((l) => l.target.slice(5)), ...added]) : props.fields;
  const addField = () => {
    if (newField.trim()) setAdded([...added, newField.trim()]);
    setNewField("");
  };
  const { mapping, matchKey } = canvasToSync(state);
  const problems = useMemo(() => (matchKey && !columnsOnly ? validateMapping({ mapping, matchKey, columns, fields }) : []), [mapping, matchKey, columns, fields, columnsOnly]);
  const problemOf = (field: string) => problems.find((p) => p.path.startsWith("mapping.") && mapping[Number(p.path.split(".")[1])]?.to === field)?.message;

  const at = layout(state, columns.map((c) => c.name), fields.map((f) => f.name));
  const nodes: Node[] = [
    ...columns.map((c) => ({ id: columnNode(c.name), type: "column", position: at[columnNode(c.name)]!, data: { label: c.name, type: c.integer ? "integer" : c.type } })),
    ...state.constants.map((c) => ({
      id: c.id,
      type: "constant",
      position: at[c.id]!,
      data: {
        ...c,
        onText: (text: string) => onChange({ ...state, constants: state.constants.map((x) => (x.id === c.id ? { ...x, text } : x)) }),
        onRemove: () => onChange({ ...state, constants: state.constants.filter((x) => x.id !== c.id), links: state.links.filter((l) => l.source !== c.id) }),
      },
    })),
    ...fields.map((f) => ({
      id: fieldNode(f.name),
      type: "field",
      position: at[fieldNode(f.name)]!,
      data: { label: f.name, type: f.type, required: f.required, keyKind: f.key, isMatch: state.matchTo === f.name, problem: problemOf(f.name) },
    })),
  ].map((node) => ({ ...node, measured: measured[node.id] }));
  /** A moved node keeps its place in the canvas state (and so in the wizard's draft); a measured one, its size. */
  const onNodesChange = (changes: NodeChange[]) => {
    const moved = changes.flatMap((c) => (c.type === "position" && c.position ? [[c.id, c.position] as const] : []));
    if (moved.length) onChange({ ...state, positions: { ...state.positions, ...Object.fromEntries(moved) } });
    const sized = changes.flatMap((c) => (c.type === "dimensions" && c.dimensions ? [[c.id, c.dimensions] as const] : []));
    if (sized.length) setMeasured((sizes) => ({ ...sizes, ...Object.fromEntries(sized) }));
  };
  const edges: Edge[] = state.links.map((l) => ({ id: `${l.source}->${l.target}`, source: l.source, target: l.target, selected: selected === l.target, animated: state.matchTo !== null && l.target === fieldNode(state.matchTo), style: { strokeWidth: selected === l.target ? 3 : 1.5 } }));

  const addConstant = (kind: "value" | "template") => {
    const id = `${kind}:${Date.now().toString(36)}`;
    const next = { ...state, constants: [...state.constants, { id, kind, text: kind === "template" ? "{first_name} {last_name}" : "" }] };
    onChange({ ...next, positions: { ...state.positions, [id]: layout(next, columns.map((c) => c.name), fields.map((f) => f.name))[id]! } });
  };
  const onConnect = (c: Connection) => {
    if (!c.source || !c.target?.startsWith("dest:")) return;
    const next = connect(state, c.source, c.target);
    onChange({ ...next, matchTo: next.matchTo ?? defaultMatchKey(next, fields) });
  };
  const link = state.links.find((l) => l.target === selected);
  const keyFields = fields.filter((f) => f.key && state.links.some((l) => l.target === fieldNode(f.name) && l.source.startsWith("col:")));
  const sample = sampleRow && matchKey ? samplePayload(sampleRow, mapping, matchKey) : undefined;
  const required = fields.filter((f) => f.required && !state.links.some((l) => l.target === fieldNode(f.name)));
  // Drawn at full size: the canvas is as tall as its lowest node (up to a limit, then it scrolls).
  const contentHeight = Math.max(0, ...Object.values(at).map((p) => p.y)) + NODE_HEIGHT + 2 * PAD + CONTROLS_BAND;

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center gap-2">
        <Button variant="secondary" onClick={() => onChange(autoMap(state, columns, freeFields ? namedFields([...fields.map((f) => f.name), ...columns.map((c) => c.name)]) : fields))}>
          <Wand2 className="size-4" aria-hidden /> {freeFields ? "Add every dataset field" : "Auto-map by name"}
        </Button>
        {freeFields && (
          <form className="flex items-center gap-1" onSubmit={(e) => (e.preventDefault(), addField())}>
            <input aria-label="New column name" className={cn(inputClass, "w-40")} placeholder="Column name" value={newField} onChange={(e) => setNewField(e.target.value)} />
            <Button type="submit" variant="secondary">
              <Plus className="size-4" aria-hidden /> Column
            </Button>
          </form>
        )}
        {!columnsOnly && (
          <>
            <Button variant="secondary" onClick={() => addConstant("value")}>
              <Plus className="size-4" aria-hidden /> Static value
            </Button>
            <Button variant="secondary" onClick={() => addConstant("template")}>
              <Plus className="size-4" aria-hidden /> Template
            </Button>
          </>
        )}
        <label className="ml-auto flex items-center gap-2 text-sm">
          Match records on
          <select aria-label="Match key" className={cn(inputClass, "w-48")} value={state.matchTo ?? ""} onChange={(e) => onChange({ ...state, matchTo: e.target.value || null })}>
            <option value="">— map a key field first —</option>
            {keyFields.map((f) => (
              <option key={f.name} value={f.name}>
                {f.name} ({f.key})
              </option>
            ))}
          </select>
        </label>
      </div>
      <Card className="overflow-hidden" style={{ height: Math.min(contentHeight, MAX_HEIGHT) }} data-testid="mapping-canvas">
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          onNodesChange={onNodesChange}
          onConnect={onConnect}
          onEdgeClick={(_e, edge) => setSelected(edge.target)}
          onPaneClick={() => setSelected(undefined)}
          onEdgesDelete={(gone) => gone.forEach((e) => onChange(disconnect(state, e.target)))}
          defaultViewport={{ x: PAD, y: PAD + CONTROLS_BAND, zoom: 1 }}
          minZoom={0.4}
          maxZoom={1.5}
          zoomOnScroll={false}
          panOnScroll
          panOnScrollMode={PanOnScrollMode.Vertical}
          preventScrolling={contentHeight > MAX_HEIGHT}
          autoPanOnConnect={false}
          proOptions={{ hideAttribution: true }}
          nodesConnectable
          elementsSelectable
        >
          <Background gap={16} />
          <Controls showInteractive={false} orientation="horizontal" position="top-left" />
        </ReactFlow>
      </Card>
      {/* Stuck to the bottom of the window while a tall canvas runs past it, so the link's transforms and the warnings stay in view. */}
      <div className="sticky bottom-0 z-10 flex max-h-[45vh] flex-col gap-2 overflow-auto empty:hidden">
      {link && (
        <Card className="p-3 shadow-lg">
          <div className="mb-2 flex items-center justify-between text-sm">
            <span>
              Link into <code>{link.target.slice(5)}</code>
            </span>
            <Button variant="danger" onClick={() => (onChange(disconnect(state, link.target)), setSelected(undefined))}>
              <Trash2 className="size-4" aria-hidden /> Remove mapping
            </Button>
          </div>
          {!columnsOnly && <TransformEditor transforms={link.transforms} onChange={(t) => onChange(setTransforms(state, link.target, t))} />}
        </Card>
      )}
      {(required.length > 0 || !state.matchTo || problems.length > 0) && (
        <ul role="alert" className="flex flex-col gap-1 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
          {!state.matchTo && <li>Map a key field (marked with a key) and choose it as the match key.</li>}
          {required.map((f) => (
            <li key={f.name}>“{f.name}” is required: map it.</li>
          ))}
          {problems
            .filter((p) => p.path !== "mapping" || !required.length)
            .map((p, i) => {
              const target = fieldNode(mapping[Number(p.path.split(".")[1])]?.to ?? "");
              const link = p.fix && state.links.find((l) => l.target === target);
              return (
                <li key={i} className="flex flex-wrap items-center gap-2">
                  {p.message}
                  {link && p.fix && (
                    <Button variant="secondary" onClick={() => (onChange(setTransforms(state, target, withCast(link.transforms, p.fix))), setSelected(target))}>
                      <Wand2 className="size-4" aria-hidden /> Add “{castLabels[p.fix.type]}”
                    </Button>
                  )}
                </li>
              );
            })}
        </ul>
      )}
      </div>
      <div className={cn("grid gap-4", !columnsOnly && "lg:grid-cols-2")}>
        <MappingTable fields={fields} columns={columns} state={state} onChange={onChange} />
        {!columnsOnly && (
          <Card>
            <CardHeader title="What the destination receives (first row)" />
            <pre className="max-h-96 overflow-auto p-3 text-xs" data-testid="sample-payload">
              {sample ?? "Map a key field to see a sample record."}
            </pre>
          </Card>
        )}
      </div>
    </div>
  );
}
