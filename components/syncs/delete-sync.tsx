"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/form";
import { removeSync } from "@/lib/actions/syncs/save-sync";

/** Deleting asks once more; the destination keeps what the sync wrote. */
export function DeleteSync({ id, name }: { id: string; name: string }) {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();
  if (!confirming)
    return (
      <Button variant="danger" onClick={() => setConfirming(true)}>
        Delete
      </Button>
    );
  return (
    <span className="flex items-center gap-2 text-sm">
      Delete {name} and its run history?
      <Button
        variant="danger"
        disabled={pending}
        onClick={() =>
          startTransition(async () => {
            const result = await removeSync({ id });
            if (result.ok) router.push("/syncs");
            else setError(result.error);
          })
        }
      >
        Yes, delete
      </Button>
      <Button variant="ghost" onClick={() => setConfirming(false)}>
        Keep it
      </Button>
      <FormError message={error} />
    </span>
  );
}
