"use client";
import { Button } from "@/components/ui/button";

/** Said above the builder's steps when it opened on a draft kept from an earlier visit. */
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

export type SaveOutcome = "saved" | "unchanged";

/** Said beside the save button after a save. */
export function SavedNote({ outcome }: { outcome: SaveOutcome }) {
  return (
    <p role="status" className="text-sm text-emerald-700">
      {outcome === "saved" ? "Saved." : "No changes to save: the sync is as it was."}
    </p>
  );
}
