"use client";
import { keepPreviousData, useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { ChevronDown, ChevronRight, Download, RotateCcw } from "lucide-react";
import { useRouter } from "next/navigation";
import { Fragment, useDeferredValue, useEffect, useState, useTransition } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { unwrap } from "@/components/ui/action-result";
import { FormError, inputClass } from "@/components/ui/form";
import { Table, Td, Th } from "@/components/ui/table";
import { loadRecordLog } from "@/lib/actions/syncs/load";
import { resendRecords } from "@/lib/actions/syncs/runs";
import type { RecordLogEntry } from "@/lib/syncs/record-log";
import { cn } from "@/lib/utils";
import { type ErrorKind, errorKindLabels, type ItemStatus, itemStatusLabels } from "@/lib/vocabulary";

const statuses: Record<"" | ItemStatus, string> = { "": "Every status", ...itemStatusLabels };
const errorKinds: Record<"" | ErrorKind, string> = { "": "Every error", ...errorKindLabels };

function Outcome({ record }: { record: RecordLogEntry }) {
  if (record.status === "failed") return <Badge tone="red">{record.errorKind ? errorKindLabels[record.errorKind].toLowerCase() : "failed"}</Badge>;
  if (record.status === "pending") return <Badge>pending</Badge>;
  const done = <Badge tone="green">{record.result ?? record.operation}d</Badge>;
  if (!record.warning) return done;
  return (
    <span className="inline-flex gap-1">
      {done}
      <Badge tone="amber">warning</Badge>
    </span>
  );
}

function Response({ status, body }: { status: number | null; body: string | null }) {
  if (status === null && !body) return <span className="text-zinc-400">no response</span>;
  return (
    <>
      {status !== null && <span className="font-medium">HTTP {status}</span>}
      {body && <pre className="mt-1 max-h-48 overflow-auto whitespace-pre-wrap break-all rounded bg-zinc-100 p-2">{body}</pre>}
    </>
  );
}

/** The outcome of every record of a run: filter, search, read the destination's answer, export, resend. */
export function RecordLog({ runId, running, canResend }: { runId: string; running: boolean; canResend: boolean }) {
  const router = useRouter();
  const client = useQueryClient();
  const [status, setStatus] = useState<keyof typeof statuses>("");
  const [errorKind, setErrorKind] = useState<keyof typeof errorKinds>("");
  const [search, setSearch] = useState("");
  const term = useDeferredValue(search.trim());
  const [open, setOpen] = useState<Set<string>>(new Set());
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [resendError, setResendError] = useState<string>();
  const [pending, startTransition] = useTransition();

  const log = useInfiniteQuery({
    queryKey: ["records", runId, status, errorKind, term],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) => {
      return unwrap(await loadRecordLog({ runId, status: status || undefined, errorKind: errorKind || undefined, search: term || undefined, cursor: pageParam }));
    },
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    refetchInterval: running ? 3_000 : false,
  });
  useEffect(() => {
    if (!running) void client.invalidateQueries({ queryKey: ["records", runId] });
  }, [running, runId, client]);

  const records = log.data?.pages.flatMap((p) => p.records) ?? [];
  const failedShown = records.filter((r) => r.status === "failed").map((r) => r.key);
  const allFailedSelected = failedShown.length > 0 && failedShown.every((k) => selected.has(k));
  const toggle = (set: Set<string>, key: string) => {
    const next = new Set(set);
    if (!next.delete(key)) next.add(key);
    return next;
  };
  const resend = (keys?: string[]) =>
    startTransition(async () => {
      const result = await resendRecords({ runId, keys });
      if (result.ok) router.push(`/runs/${result.data.runId}`);
      else setResendError(result.error);
    });
  const exportUrl = `/api/v1/runs/${runId}/records/export${status ? `?status=${status}` : ""}`;

  return (
    <Card className="min-w-0">
      <CardHeader title="Record log">
        <a href={exportUrl} download className="inline-flex items-center gap-1 text-sm text-zinc-600 hover:text-zinc-900">
          <Download className="size-3.5" aria-hidden /> Export CSV
        </a>
      </CardHeader>
      <div className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-4 py-3">
        <select aria-label="Status" className={cn(inputClass, "w-auto")} value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
          {Object.entries(statuses).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <select aria-label="Error kind" className={cn(inputClass, "w-auto")} value={errorKind} onChange={(e) => setErrorKind(e.target.value as typeof errorKind)}>
          {Object.entries(errorKinds).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <input type="search" aria-label="Search by key" placeholder="Search by key" className={cn(inputClass, "w-48")} value={search} onChange={(e) => setSearch(e.target.value)} />
        {canResend && (
          <span className="ml-auto flex gap-2">
            <Button variant="secondary" disabled={pending || selected.size === 0} onClick={() => resend([...selected])}>
              <RotateCcw className="size-3.5" aria-hidden /> Resend selected ({selected.size})
            </Button>
            <Button variant="secondary" disabled={pending} onClick={() => resend()}>
              Resend all failed
            </Button>
          </span>
        )}
      </div>
      <FormError className="mx-4 mt-2" message={resendError} />
      <FormError className="mx-4 mt-2" message={log.error?.message} />
      <Table aria-label="Records">
        <thead>
          <tr>
            <Th className="w-8" />
            {canResend && (
              <Th className="w-8">
                <input
                  type="checkbox"
                  aria-label="Select every failed record shown"
                  disabled={failedShown.length === 0}
                  checked={allFailedSelected}
                  onChange={() => setSelected(allFailedSelected ? new Set() : new Set(failedShown))}
                />
              </Th>
            )}
            <Th>Key</Th>
            <Th>Operation</Th>
            <Th>Outcome</Th>
            <Th>Attempts</Th>
            <Th>Message</Th>
          </tr>
        </thead>
        <tbody className={cn(log.isPlaceholderData && "opacity-60")}>
          {records.map((r) => (
            <Fragment key={r.key}>
              <tr data-testid="record-row" className="align-top hover:bg-zinc-50">
                <Td>
                  <button type="button" aria-expanded={open.has(r.key)} aria-label={`Details of ${r.key}`} onClick={() => setOpen(toggle(open, r.key))} className="text-zinc-500 hover:text-zinc-900">
                    {open.has(r.key) ? <ChevronDown className="size-4" aria-hidden /> : <ChevronRight className="size-4" aria-hidden />}
                  </button>
                </Td>
                {canResend && (
                  <Td>
                    <input type="checkbox" aria-label={`Select ${r.key}`} checked={selected.has(r.key)} onChange={() => setSelected(toggle(selected, r.key))} />
                  </Td>
                )}
                <Td className="font-mono text-xs">{r.key}</Td>
                <Td className="text-zinc-600">{r.operation}</Td>
                <Td>
                  <Outcome record={r} />
                </Td>
                <Td className="tabular-nums">{r.attempts}</Td>
                <Td className="max-w-md truncate text-zinc-600" title={r.message ?? r.warning ?? undefined}>
                  {r.message ?? r.warning}
                </Td>
              </tr>
              {open.has(r.key) && (
                <tr>
                  <td colSpan={canResend ? 7 : 6} className="border-b border-zinc-100 bg-zinc-50 px-4 py-3 text-xs">
                    {r.warning && <p className="mb-2 text-amber-800">Delivered with a warning: {r.warning}</p>}
                    <p className="mb-1 font-medium text-zinc-700">The destination answered</p>
                    <Response status={r.responseStatus} body={r.responseBody} />
                    {r.history.length > 0 && (
                      <ol className="mt-3 flex flex-col gap-2" aria-label={`Attempts of ${r.key}`}>
                        {r.history.map((h) => (
                          <li key={h.attempt}>
                            <p className="font-medium">
                              Attempt {h.attempt}: {h.operation}, {h.status}
                              {h.errorKind && ` (${h.errorKind.replace("_", " ")})`}
                            </p>
                            {h.message && <p className="text-zinc-600">{h.message}</p>}
                            <Response status={h.responseStatus} body={h.responseBody} />
                          </li>
                        ))}
                      </ol>
                    )}
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </Table>
      {log.isPending && <p className="p-4 text-sm text-zinc-500">Loading the records…</p>}
      {records.length === 0 && !log.isPending && <p className="p-4 text-sm text-zinc-500">{running ? "Records appear here as they are delivered." : "No record matches."}</p>}
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
