/**
 * What a notification says, built once per notice and rendered for each channel: an email (text and
 * HTML), a Slack message with blocks, a signed webhook's JSON body. Pure.
 */
import { formatNumber } from "@/lib/utils";
import type { RuleName } from "./rules";

export type TopError = { kind: string; count: number; example: { key: string; message: string | null; responseStatus: number | null; responseBody: string | null } };

export type Notice = {
  event: "alert" | "recovery" | "test";
  rule: RuleName | null;
  workspace: string;
  sync: { id: string; name: string } | null;
  run: {
    id: string;
    status: string;
    mode: string;
    planned: number;
    created: number;
    updated: number;
    deleted: number;
    failed: number;
    error: string | null;
    finishedAt: string | null;
    /** What the plan removes, and what the engine said about the run (for a held run: why it was held). Absent from notices stored before. */
    plannedDeletes?: number;
    notice?: string | null;
  } | null;
  topErrors: TopError[];
  /** For staleness: the rule's hours and when the sync last completed a run. */
  stale?: { hours: number; lastCompletedAt: string | null };
  /** The run page (or the sync page when there is no run). */
  url: string;
  at: string;
};

const pct = (part: number, whole: number) => (whole === 0 ? "0%" : `${Math.round((part / whole) * 1000) / 10}%`);
const handled = (run: NonNullable<Notice["run"]>) => run.created + run.updated + run.deleted + run.failed;

function headline(n: Notice): string {
  const sync = n.sync ? `“${n.sync.name}”` : "";
  if (n.event === "test") return `Test notification from Relay (${n.workspace})`;
  if (n.event === "recovery") {
    if (n.rule === "failure") return `${sync} recovered: its runs complete again`;
    if (n.rule === "rejected") return `${sync} recovered: rejected records are back under the threshold`;
    if (n.rule === "deletions") return `${sync} delivers again: no run is held for confirmation`;
    return `${sync} recovered: it completed a run again`;
  }
  if (n.rule === "failure") return `${sync} failed${n.run?.error ? `: ${n.run.error}` : ""}`;
  if (n.rule === "deletions" && n.run) return `${sync} held a run for confirmation: it would delete ${formatNumber(n.run.plannedDeletes ?? 0)} records`;
  if (n.rule === "rejected" && n.run) return `${sync} rejected ${n.run.failed} of ${handled(n.run)} records (${pct(n.run.failed, handled(n.run))})`;
  return `${sync} has not completed a run for ${n.stale?.hours ?? "?"} hours`;
}

export const subjectOf = (n: Notice) => `[Relay] ${headline(n)}`.slice(0, 250);

function countsLine(run: NonNullable<Notice["run"]>) {
  return `${run.created} created, ${run.updated} updated, ${run.deleted} deleted, ${run.failed} failed (of ${run.planned} planned)`;
}

const clip = (text: string | null, max = 500) => (text && text.length > max ? `${text.slice(0, max)}…` : text);

function errorLines(n: Notice): string[] {
  return n.topErrors.flatMap((e) => [
    `- ${e.kind.replace("_", " ")}: ${e.count} record${e.count === 1 ? "" : "s"}, e.g. ${e.example.key}: ${e.example.message ?? "no message"}`,
    ...(e.example.responseStatus !== null || e.example.responseBody ? [`  answer: ${e.example.responseStatus ?? ""} ${clip(e.example.responseBody) ?? ""}`.trimEnd()] : []),
  ]);
}

function detailLines(n: Notice): string[] {
  if (n.event === "test") return ["This is a test: the channel works. Alerts about your syncs will arrive here."];
  const lines: string[] = [];
  if (n.run && n.rule === "deletions" && n.event === "alert") lines.push(n.run.notice ?? "", `Open the run to Confirm and deliver it, or Discard it.`, "");
  if (n.run) lines.push(`Run: ${n.run.mode}, ${n.run.status}${n.run.finishedAt ? `, ended ${n.run.finishedAt}` : ""}`, `Records: ${countsLine(n.run)}`);
  if (n.stale) lines.push(`Last completed run: ${n.stale.lastCompletedAt ?? "never"}`);
  if (n.topErrors.length) lines.push("", "Top errors:", ...errorLines(n));
  return lines;
}

export function textOf(n: Notice): string {
  return [headline(n), "", ...detailLines(n), "", `Open: ${n.url}`, "", `— Relay, workspace ${n.workspace}`].join("\n");
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export function htmlOf(n: Notice): string {
  const color = n.event === "alert" ? "#b91c1c" : n.event === "recovery" ? "#047857" : "#3f3f46";
  const rows = n.run
    ? (["planned", "created", "updated", "deleted", "failed"] as const).map((k) => `<td style="padding:4px 12px 4px 0"><b>${n.run![k]}</b><br><span style="color:#71717a">${k}</span></td>`).join("")
    : "";
  const errors = n.topErrors
    .map(
      (e) =>
        `<li><b>${escapeHtml(e.kind.replace("_", " "))}</b>: ${e.count} — e.g. <code>${escapeHtml(e.example.key)}</code>: ${escapeHtml(e.example.message ?? "no message")}` +
        (e.example.responseBody ? `<pre style="background:#f4f4f5;padding:6px;white-space:pre-wrap">${escapeHtml(`${e.example.responseStatus ?? ""} ${clip(e.example.responseBody)}`)}</pre>` : "") +
        `</li>`,
    )
    .join("");
  return [
    `<div style="font-family:system-ui,sans-serif;font-size:14px;color:#18181b">`,
    `<h2 style="font-size:16px;color:${color}">${escapeHtml(headline(n))}</h2>`,
    n.event === "test" ? `<p>This is a test: the channel works. Alerts about your syncs will arrive here.</p>` : "",
    n.run?.notice && n.rule === "deletions" && n.event === "alert" ? `<p>${escapeHtml(n.run.notice)}</p><p>Open the run to <b>Confirm and deliver</b> it, or <b>Discard</b> it.</p>` : "",
    n.run ? `<p>Run: ${escapeHtml(n.run.mode)}, ${escapeHtml(n.run.status)}</p><table><tr>${rows}</tr></table>` : "",
    n.stale ? `<p>Last completed run: ${escapeHtml(n.stale.lastCompletedAt ?? "never")}</p>` : "",
    errors ? `<p>Top errors:</p><ul>${errors}</ul>` : "",
    `<p><a href="${escapeHtml(n.url)}" style="color:#2563eb">Open in Relay</a></p>`,
    `<p style="color:#71717a;font-size:12px">Relay · workspace ${escapeHtml(n.workspace)}</p>`,
    `</div>`,
  ].join("");
}

/** Slack's Block Kit: a header, the details, the top errors and a button to the run. `text` is the fallback. */
export function slackMessageOf(n: Notice) {
  const details = detailLines(n).filter((l) => l && l !== "Top errors:" && !l.startsWith("- ") && !l.startsWith("  "));
  const blocks: Record<string, unknown>[] = [
    { type: "header", text: { type: "plain_text", text: headline(n).slice(0, 150), emoji: true } },
    ...(details.length ? [{ type: "section", text: { type: "mrkdwn", text: details.join("\n").slice(0, 3_000) } }] : []),
    ...(n.topErrors.length ? [{ type: "section", text: { type: "mrkdwn", text: ["*Top errors*", ...errorLines(n)].join("\n").slice(0, 3_000) } }] : []),
    { type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: n.run ? "Open the run" : "Open Relay" }, url: n.url }] },
    { type: "context", elements: [{ type: "mrkdwn", text: `Relay · ${n.workspace}` }] },
  ];
  return { text: headline(n), blocks };
}

/** The webhook's JSON body (snake_case, stable): what happened, to which sync and run, and a link. */
export function webhookBodyOf(n: Notice, deliveryId: string) {
  return {
    id: deliveryId,
    type: n.event === "test" ? "test" : n.event === "alert" ? "sync.alert" : "sync.recovered",
    rule: n.rule,
    occurred_at: n.at,
    summary: headline(n),
    workspace: n.workspace,
    sync: n.sync,
    run: n.run && {
      id: n.run.id,
      status: n.run.status,
      mode: n.run.mode,
      counts: { planned: n.run.planned, created: n.run.created, updated: n.run.updated, deleted: n.run.deleted, failed: n.run.failed, planned_deletes: n.run.plannedDeletes ?? null },
      notice: n.run.notice ?? null,
      error: n.run.error,
      finished_at: n.run.finishedAt,
    },
    stale: n.stale && { hours: n.stale.hours, last_completed_at: n.stale.lastCompletedAt },
    top_errors: n.topErrors.map((e) => ({ kind: e.kind, count: e.count, example: { key: e.example.key, message: e.example.message, response_status: e.example.responseStatus, response_body: e.example.responseBody } })),
    url: n.url,
  };
}
