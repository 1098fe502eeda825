"use client";
import { useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { sameJson } from "./local-draft";
import { useLeaveGuard } from "./use-leave-guard";

const CHANGED = "relay:draft-changed";

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
 * A form's state. While it differs from what is saved it lives in local storage under `key` (when `keep`), so Back,
 * Reload or a crashed tab lose nothing: a draft found on opening (read by `parse`, a module-level function) is
 * `restored` until discarded, edited or saved. Leaving with unsaved changes asks first, saying `leave`.
 */
export function useLocalDraft<T>({ key, saved, keep, parse, leave }: { key: string; saved: T; keep: boolean; parse: (text: string) => T | undefined; leave: string }) {
  const [baseline, setBaseline] = useState(saved);
  const [local, setLocal] = useState<T>();
  const [editedHere, setEditedHere] = useState(false);
  // The server has no local storage: it renders what is saved, and the browser's draft follows once hydrated.
  const text = useSyncExternalStore(subscribe, () => (keep ? window.localStorage.getItem(key) : null), () => null);
  const stored = useMemo(() => (text === null ? undefined : parse(text)), [text, parse]);
  const draft = (keep ? stored : local) ?? baseline;
  const dirty = !sameJson(draft, baseline);
  // Changes made in one event (a source that also resets what is read) build on each other, not on this render's draft.
  const latest = useRef(draft);
  useLayoutEffect(() => {
    latest.current = draft;
  });

  const store = (next: T | undefined) => {
    latest.current = next ?? baseline;
    if (!keep) return setLocal(next);
    if (next && !sameJson(next, baseline)) window.localStorage.setItem(key, JSON.stringify(next));
    else window.localStorage.removeItem(key);
    window.dispatchEvent(new Event(CHANGED));
  };

  useLeaveGuard(keep && dirty, leave);

  return {
    draft,
    dirty,
    restored: keep && dirty && !editedHere,
    change: (patch: Partial<T>) => {
      setEditedHere(true);
      store({ ...latest.current, ...patch });
    },
    discard: () => store(undefined),
    /** The draft is now what is saved: nothing is left to keep or to ask about. */
    markSaved: () => {
      setBaseline(draft);
      store(undefined);
    },
  };
}
