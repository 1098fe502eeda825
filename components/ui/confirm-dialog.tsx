"use client";
import { useEffect, useId, useRef } from "react";
import { Button } from "./button";

/** A modal question (native <dialog>, so focus stays inside and Escape cancels) with a confirm and a cancel button. */
export function ConfirmDialog({ title, confirmLabel, pending, onConfirm, onCancel, children }: { title: string; confirmLabel: string; pending?: boolean; onConfirm: () => void; onCancel: () => void; children: React.ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => ref.current?.showModal(), []);
  return (
    <dialog
      ref={ref}
      role="alertdialog"
      aria-labelledby={titleId}
      className="m-auto max-w-md rounded-lg border border-zinc-200 p-5 shadow-xl backdrop:bg-zinc-900/40"
      onCancel={(e) => (e.preventDefault(), onCancel())}
    >
      <h2 id={titleId} className="text-base font-semibold">
        {title}
      </h2>
      <div className="mt-2 text-sm text-zinc-700">{children}</div>
      <div className="mt-4 flex justify-end gap-2">
        <Button variant="secondary" autoFocus onClick={onCancel}>
          Cancel
        </Button>
        <Button className="bg-red-600 hover:bg-red-700" disabled={pending} onClick={onConfirm}>
          {confirmLabel}
        </Button>
      </div>
    </dialog>
  );
}
