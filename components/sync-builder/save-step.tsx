"use client";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { FormError } from "@/components/ui/form";
import { formatNumber } from "@/lib/utils";
import type { RunMode } from "@/lib/vocabulary";
import { type SaveOutcome, SavedNote } from "./notices";
import { TryOut } from "./try-out";

export type PendingDeletions = { deletions: number; destination: string };

/** Step 6: try the sync out, then save it (confirming the deletions its next run would make). */
export function SaveStep(p: {
  syncId?: string;
  input: unknown;
  mode: RunMode;
  keyColumn?: string;
  firstKey: string;
  canSave: boolean;
  ready: boolean;
  pending: boolean;
  run: (work: () => Promise<void>) => void;
  problems?: string;
  outcome?: SaveOutcome;
  deletions?: PendingDeletions;
  onSave: (confirmedDeletions?: number) => void;
  onKeep: () => void;
}) {
  const { deletions } = p;
  return (
    <Card>
      <CardHeader title="Before saving" />
      <div className="flex flex-col gap-4 p-4">
        {p.canSave ? (
          <TryOut syncId={p.syncId} input={p.input} mode={p.mode} keyColumn={p.keyColumn} firstKey={p.firstKey} pending={p.pending} run={p.run} />
        ) : (
          <p className="text-sm text-zinc-500">Your role can look at this sync but not change, try or save it.</p>
        )}
        {p.problems && (
          <FormError message="The sync does not fit yet (the steps marked in red show where):">
            <pre className="mt-1 text-xs whitespace-pre-wrap">{p.problems}</pre>
          </FormError>
        )}
        <div className="flex items-center gap-3">
          <Button disabled={p.pending || !p.canSave || !p.ready} onClick={() => p.onSave()}>
            {p.syncId ? "Save changes" : "Add sync"}
          </Button>
          {p.outcome && !p.pending && <SavedNote outcome={p.outcome} />}
        </div>
        {deletions && (
          <ConfirmDialog title="Delete records on the next run?" confirmLabel="Save anyway" pending={p.pending} onCancel={p.onKeep} onConfirm={() => p.onSave(deletions.deletions)}>
            This sync would delete {formatNumber(deletions.deletions)} {deletions.deletions === 1 ? "record" : "records"} from {deletions.destination} on its next run. Save anyway?
          </ConfirmDialog>
        )}
      </div>
    </Card>
  );
}
