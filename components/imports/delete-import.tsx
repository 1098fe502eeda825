"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { FormError } from "@/components/ui/form";
import { removeImport } from "@/lib/actions/imports/save-import";

/** Deleting asks once more; the entity rows the import wrote stay. */
export function DeleteImport({ id, name }: { id: string; name: string }) {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();
  const remove = () =>
    startTransition(async () => {
      const result = await removeImport({ id });
      setConfirming(false);
      if (result.ok) router.push("/sources");
      else setError(result.error);
    });
  return (
    <span className="flex items-center gap-2">
      <Button variant="danger" onClick={() => setConfirming(true)}>
        Delete
      </Button>
      <FormError className="py-1 text-xs" message={error} />
      {confirming && (
        <ConfirmDialog title={`Delete ${name}?`} confirmLabel="Delete import" pending={pending} onCancel={() => setConfirming(false)} onConfirm={remove}>
          Its runs and record log go with it. The rows it imported stay in the entity.
        </ConfirmDialog>
      )}
    </span>
  );
}
