"use client";
import { Play } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { FormError, inputClass } from "@/components/ui/form";
import { manifests } from "@/connectors/manifests";
import { runSyncNow } from "@/lib/actions/syncs/runs";
import { cn } from "@/lib/utils";
import { type RunMode, runModeLabels } from "@/lib/vocabulary";

/**
 * "Run now" in the sync's own mode, or another one its destination supports; `follow` opens the run's
 * page once it is queued.
 */
export function RunNow({ syncId, name, mode: syncMode, connector, onStarted, follow }: { syncId: string; name: string; mode: RunMode; connector: string; onStarted?: (runId: string) => void; follow?: boolean }) {
  const router = useRouter();
  const [mode, setMode] = useState<RunMode>(syncMode);
  const modes = manifests[connector]?.modes ?? [syncMode];
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string>();
  return (
    <span className="flex items-center gap-1.5">
      <select aria-label={`Run mode of ${name}`} className={cn(inputClass, "w-auto py-1 text-xs")} value={mode} onChange={(e) => setMode(e.target.value as RunMode)}>
        {modes.map((m) => (
          <option key={m} value={m}>
            {runModeLabels[m]}
          </option>
        ))}
      </select>
      <Button
        aria-label={`Run ${name} now`}
        disabled={pending}
        onClick={() =>
          startTransition(async () => {
            const result = await runSyncNow({ syncId, mode });
            setError(result.ok ? undefined : result.error);
            if (!result.ok) return;
            onStarted?.(result.data.runId);
            if (follow) router.push(`/runs/${result.data.runId}`);
          })
        }
      >
        <Play className="size-3.5" aria-hidden /> Run now
      </Button>
      <FormError className="py-1 text-xs" message={error} />
    </span>
  );
}
