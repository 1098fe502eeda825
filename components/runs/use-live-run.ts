"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { type ActionAnswer, unwrap } from "@/components/ui/action-result";
import { isActiveRunStatus } from "@/lib/vocabulary";

/**
 * A run (a sync's or an import's) as it goes: polled every 1.5 seconds until it ends (or refreshed at once), with
 * its cancel and the reason a cancel was refused.
 */
export function useLiveRun<D extends { run: { id: string; status: string } }>(p: {
  kind: string;
  initial: D;
  load: (runId: string) => Promise<ActionAnswer<D>>;
  cancel: (runId: string) => Promise<ActionAnswer<unknown>>;
}) {
  const client = useQueryClient();
  const [cancelError, setCancelError] = useState<string>();
  const queryKey = [p.kind, p.initial.run.id];
  const { data } = useQuery({
    queryKey,
    initialData: p.initial,
    refetchInterval: (query) => (isActiveRunStatus(query.state.data?.run.status ?? "") ? 1_500 : false),
    queryFn: async () => unwrap(await p.load(p.initial.run.id)),
  });
  const detail = data ?? p.initial;
  const refresh = () => void client.invalidateQueries({ queryKey });
  const cancel = async () => {
    const result = await p.cancel(p.initial.run.id);
    setCancelError(result.ok ? undefined : result.error);
    refresh();
  };
  return { detail, running: isActiveRunStatus(detail.run.status), refresh, cancel, cancelError };
}
