"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/form";
import { markSource, unmarkSource } from "@/lib/actions/sources/mark-source";

/** An admin marks a database or file-server connection usable as a source, or stops it being one (refused while an import reads it). */
export function SourceToggle({ connectionId, sourceId, name }: { connectionId: string; sourceId: string | null; name: string }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();
  const toggle = () =>
    startTransition(async () => {
      const result = sourceId ? await unmarkSource({ sourceId }) : await markSource({ connectionId });
      setError(result.ok ? undefined : result.error);
      if (result.ok) router.refresh();
    });
  return (
    <span className="flex items-center justify-end gap-2">
      <FormError className="py-1 text-xs" message={error} />
      <Button variant="secondary" disabled={pending} aria-label={`${sourceId ? "Stop using" : "Use"} ${name} as a source`} onClick={toggle}>
        {sourceId ? "Stop using as a source" : "Use as a source"}
      </Button>
    </span>
  );
}
