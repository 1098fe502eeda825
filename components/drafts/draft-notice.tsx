"use client";
import { Button } from "@/components/ui/button";

/** Said at the top of a form that opened on the draft kept in this browser, with the way back to what is saved. */
export function DraftNotice({ onDiscard }: { onDiscard: () => void }) {
  return (
    <div role="status" className="flex items-center justify-between gap-3 rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900">
      <span>Restored your unsaved draft.</span>
      <Button variant="secondary" onClick={onDiscard}>
        Discard
      </Button>
    </div>
  );
}
