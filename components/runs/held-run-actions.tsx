"use client";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/form";
import { confirmRun, discardRun } from "@/lib/actions/syncs/runs";
import { formatNumber } from "@/lib/utils";

/** Confirm and deliver, or Discard, a run held by its sync's deletion limit. */
export function HeldRunActions({ runId, deletes, name, onDone }: { runId: string; deletes: number; name?: string; onDone: () => void }) {
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();
  const act = (action: typeof confirmRun) =>
    startTransition(async () => {
      const result = await action({ runId });
      setError(result.ok ? undefined : result.error);
      onDone();
    });
  const of = name ? ` of ${name}` : "";
  return (
    <div className="flex flex-col gap-1">
      <div className="flex flex-wrap gap-2">
        <Button disabled={pending} aria-label={`Confirm and deliver the held run${of}`} title={`Delivers the kept plan, deleting ${formatNumber(deletes)} records`} onClick={() => act(confirmRun)}>
          Confirm and deliver
        </Button>
        <Button variant="secondary" disabled={pending} aria-label={`Discard the held run${of}`} onClick={() => act(discardRun)}>
          Discard
        </Button>
      </div>
      <FormError message={error} />
    </div>
  );
}
