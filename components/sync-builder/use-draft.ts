"use client";
import { useMemo, useState, useSyncExternalStore } from "react";
import { type Draft, parseDraft, sameDraft } from "./draft";
import { useLeaveGuard } from "./use-leave-guard";

const LEAVE = "This sync has unsaved changes. Leave anyway? They stay as a draft in this browser.";
const CHANGED = "relay:sync-draft-changed";

// Other tabs' writes arrive as `storage` events; this tab's own as CHANGED.
const subscribe = (onChange: () => void) => {
  window.addEventListener("storage", onChange);
  window.addEventListener(CHANGED, onChange);
  return () => {
    window.removeEventListener("storage", onChange);
    window.removeEventListener(CHANGED, onChange);
  };
};

/**
 * The builder's state. While it differs from the saved sync it lives in local storage under `key` (when `keep`), so
 * Back, Reload or a crashed tab lose nothing: a draft found on opening is `restored` until discarded, edited or saved.
 * Leaving with unsaved changes asks first.
 */
export function useDraft(key: string, saved: Draft, keep: boolean) {
  const [baseline, setBaseline] = useState(saved);
  const [local, setLocal] = useState<Draft>();
  const [editedHere, setEditedHere] = useState(false);
  // The server has no local storage: it renders the saved sync, and the browser's draft follows once hydrated.
  const text = useSyncExternalStore(subscribe, () => (keep ? window.localStorage.getItem(key) : null), () => null);
  const stored = useMemo(() => (text === null ? undefined : parseDraft(text)), [text]);
  const draft = (keep ? stored : local) ?? baseline;
  const dirty = !sameDraft(draft, baseline);

  const store = (next: Draft | undefined) => {
    if (!keep) return setLocal(next);
    if (next && !sameDraft(next, baseline)) window.localStorage.setItem(key, JSON.stringify(next));
    else window.localStorage.removeItem(key);
    window.dispatchEvent(new Event(CHANGED));
  };

  useLeaveGuard(keep && dirty, LEAVE);

  return {
    draft,
    dirty,
    restored: keep && dirty && !editedHere,
    change: (patch: Partial<Draft>) => {
      setEditedHere(true);
      store({ ...draft, ...patch });
    },
    discard: () => store(undefined),
    /** The draft is now the saved sync: nothing is left to keep or to ask about. */
    markSaved: () => {
      setBaseline(draft);
      store(undefined);
    },
  };
}
