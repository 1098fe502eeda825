"use client";
import { useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { unwrap } from "@/components/ui/action-result";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { FormError } from "@/components/ui/form";
import { Table, Td, Th } from "@/components/ui/table";
import { loadImportRejects } from "@/lib/actions/imports/load";
import { importRejectKindLabels } from "@/lib/vocabulary";

/** The record log of an import run: each source row it rejected, with its key and why. */
export function RejectedRows({ runId, running }: { runId: string; running: boolean }) {
  const client = useQueryClient();
  const log = useInfiniteQuery({
    queryKey: ["import-rejects", runId],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) => unwrap(await loadImportRejects({ runId, cursor: pageParam })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: running ? 3_000 : false,
  });
  // The last pages' rejects land as the run ends: read them once more then.
  useEffect(() => {
    if (!running) void client.invalidateQueries({ queryKey: ["import-rejects", runId] });
  }, [running, runId, client]);
  const rows = log.data?.pages.flatMap((p) => p.rows) ?? [];
  return (
    <Card className="min-w-0">
      <CardHeader title="Rejected rows" />
      <FormError className="mx-4 mt-2" message={log.error?.message} />
      {rows.length > 0 && (
        <Table aria-label="Rejected rows">
          <thead>
            <tr>
              <Th>Key</Th>
              <Th>Reason</Th>
              <Th>Message</Th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-testid="rejected-row" className="align-top">
                <Td className="font-mono text-xs">{r.key ?? <span className="text-zinc-400">no key</span>}</Td>
                <Td>
                  <Badge tone="red">{importRejectKindLabels[r.kind]}</Badge>
                </Td>
                <Td className="whitespace-normal text-zinc-700">{r.message}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {log.isPending && <p className="p-4 text-sm text-zinc-500">Loading the rejected rows…</p>}
      {rows.length === 0 && !log.isPending && <p className="p-4 text-sm text-zinc-500">{running ? "Rejected rows appear here as pages are read." : "No row was rejected."}</p>}
      {log.hasNextPage && (
        <div className="p-3 text-center">
          <Button variant="ghost" disabled={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
            Show more
          </Button>
        </div>
      )}
    </Card>
  );
}
