"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { problemText } from "@/components/ui/action-result";
import { Field, FormError, inputClass } from "@/components/ui/form";
import type { PayloadPreview } from "@/connectors/types";
import { dryRunSync, previewRecord, sendOneRecord } from "@/lib/actions/syncs/builder";
import type { ActionResult } from "@/lib/actions/workspace-action";
import type { RunMode } from "@/lib/vocabulary";
import type { dryRun } from "@/lib/sync/try-out";
import { cn, formatNumber } from "@/lib/utils";

type Outcome = { kind: "dry"; data: DryRunData } | { kind: "preview"; data: PayloadPreview } | { kind: "one"; data: unknown } | { kind: "refused"; error: string };

/**
 * The builder's last step before saving: a dry run (what a run would do, nothing sent), one record's
 * payload as it would leave the app, or one record sent now. `run` is the builder's transition, so
 * saving waits for a try-out in flight.
 */
export function TryOut(p: { syncId?: string; input: unknown; mode: RunMode; keyColumn?: string; firstKey: string; pending: boolean; run: (work: () => Promise<void>) => void }) {
  const [outcome, setOutcome] = useState<Outcome>();
  const [testKey, setTestKey] = useState("");
  const key = testKey || p.firstKey;
  const tryWith = <T,>(toOutcome: (data: T) => Outcome, call: () => Promise<ActionResult<T>>) =>
    p.run(async () => {
      const result = await call();
      setOutcome(result.ok ? toOutcome(result.data) : { kind: "refused", error: problemText(result) });
    });
  return (
    <>
      <div className="flex flex-wrap items-end gap-2">
        <Button variant="secondary" disabled={p.pending} onClick={() => tryWith((data) => ({ kind: "dry", data }), () => dryRunSync({ syncId: p.syncId, input: p.input, mode: p.mode }))}>
          Dry run
        </Button>
        <Field label="Record to send now" htmlFor="test-key" className="ml-4">
          <input id="test-key" className={cn(inputClass, "w-48")} placeholder={p.firstKey} value={testKey} onChange={(e) => setTestKey(e.target.value)} />
        </Field>
        <Button variant="secondary" disabled={p.pending || !p.keyColumn} onClick={() => tryWith((data) => ({ kind: "preview", data }), () => previewRecord({ input: p.input, key }))}>
          Preview payload
        </Button>
        <Button variant="secondary" disabled={p.pending || !p.keyColumn} onClick={() => tryWith((data) => ({ kind: "one", data }), () => sendOneRecord({ syncId: p.syncId, input: p.input, key }))}>
          Test with one record
        </Button>
      </div>
      {outcome && (
        <div data-testid="try-out" className="rounded-md border border-zinc-200 bg-zinc-50 p-3 text-sm">
          {outcome.kind === "refused" ? (
            <FormError message={outcome.error} />
          ) : outcome.kind === "dry" ? (
            <DryRun data={outcome.data} />
          ) : outcome.kind === "preview" ? (
            <PreviewTable preview={outcome.data} />
          ) : (
            <pre className="overflow-auto text-xs">{JSON.stringify(outcome.data, null, 2)}</pre>
          )}
        </div>
      )}
    </>
  );
}

type DryRunData = Awaited<ReturnType<typeof dryRun>>;

function DryRun({ data }: { data: DryRunData }) {
  return (
    <div>
      <p className="font-medium">
        A run now would: {["create", "update", "delete", "reject"].map((op) => `${formatNumber(data.counts[op] ?? 0)} ${op}`).join(", ")}; {formatNumber(data.unchanged)} unchanged.
        {data.leaving > 0 && ` ${formatNumber(data.leaving)} ${data.leaving === 1 ? "record" : "records"} the sync sent before would leave the destination.`} Nothing was sent.
      </p>
      <pre className="mt-2 max-h-64 overflow-auto text-xs">{JSON.stringify(data.samples, null, 2)}</pre>
    </div>
  );
}

/** One record as it would leave the app: each field's mapped value, its normalised form and what is sent (a hash, for audiences). */
function PreviewTable({ preview }: { preview: PayloadPreview }) {
  return (
    <table className="w-full text-xs" aria-label="Payload preview">
      <thead className="text-left text-zinc-500">
        <tr>
          <th className="py-1 pr-3 font-medium">Field</th>
          <th className="py-1 pr-3 font-medium">Mapped value</th>
          <th className="py-1 pr-3 font-medium">Normalised</th>
          <th className="py-1 font-medium">Sent</th>
        </tr>
      </thead>
      <tbody>
        {preview.fields.map((f) => (
          <tr key={f.name} className="border-t border-zinc-200 align-top">
            <td className="py-1 pr-3 font-mono">{f.name}</td>
            <td className="py-1 pr-3 font-mono">{f.value === null || f.value === undefined ? "—" : String(f.value)}</td>
            <td className="py-1 pr-3 font-mono">{f.normalised ?? "—"}</td>
            <td className="py-1 font-mono break-all">
              {f.sent ?? "—"}
              {f.note && <span className="ml-2 font-sans text-zinc-500">({f.note})</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
