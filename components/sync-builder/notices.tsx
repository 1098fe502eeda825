"use client";
export type SaveOutcome = "saved" | "unchanged";

/** Said beside the save button after a save. */
export function SavedNote({ outcome }: { outcome: SaveOutcome }) {
  return (
    <p role="status" className="text-sm text-emerald-700">
      {outcome === "saved" ? "Saved." : "No changes to save: the sync is as it was."}
    </p>
  );
}
