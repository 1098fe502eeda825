"use client";
import { Play } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/form";
import { runImportNow } from "@/lib/actions/imports/runs";

/** "Run now" on an import's page: queues a run (or finds the one already queued) and opens it. */
export function RunImportNow({ importId, name }: { importId: string; name: string }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();
  return (
    <span className="flex items-center gap-1.5">
      <Button
        aria-label={`Run ${name} now`}
        disabled={pending}
        onClick={() =>
          startTransition(async () => {
            const result = await runImportNow({ importId });
            setError(result.ok ? undefined : result.error);
            if (result.ok) router.push(`/sources/${importId}/runs/${result.data.runId}`);
          })
        }
      >
        <Play className="size-3.5" aria-hidden /> Run now
      </Button>
      <FormError className="py-1 text-xs" message={error} />
    </span>
  );
}
