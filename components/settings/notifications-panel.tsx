"use client";
import { Fragment, useState, useTransition } from "react";
import { DateTime } from "@/components/ui/date-time";
import { fieldProblem, type FormProblems, noProblems, problemsOf } from "@/components/ui/action-result";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Field, FormError, inputClass } from "@/components/ui/form";
import { Table, Td, Th } from "@/components/ui/table";
import { addChannel, removeChannel, testChannel } from "@/lib/actions/notifications/channels";
import type { DeliveryView, PublicChannel } from "@/lib/db/queries/notifications";
import { type ChannelKind, kindLabels, splitRecipients } from "@/lib/notify/channels";
import { cn } from "@/lib/utils";

const SMTP_HINT = "No SMTP server is configured, so email channels cannot send. Set SMTP_URL (or SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD) and restart Relay.";

function AddChannel({ smtp }: { smtp: boolean }) {
  const [kind, setKind] = useState<ChannelKind>("email");
  const [fields, setFields] = useState({ name: "", recipients: "", webhookUrl: "", url: "", secret: "" });
  const [errors, setErrors] = useState<FormProblems>(noProblems);
  const [secret, setSecret] = useState<string>();
  const [pending, startTransition] = useTransition();
  const set = (patch: Partial<typeof fields>) => setFields({ ...fields, ...patch });
  const input =
    kind === "email"
      ? { kind, name: fields.name, recipients: splitRecipients(fields.recipients) }
      : kind === "slack"
        ? { kind, name: fields.name, webhookUrl: fields.webhookUrl.trim() }
        : { kind, name: fields.name, url: fields.url.trim(), secret: fields.secret.trim() || undefined };
  const error = (path: string) => fieldProblem(errors, path);
  const submit = () =>
    startTransition(async () => {
      const result = await addChannel(input);
      if (!result.ok) return setErrors(problemsOf(result));
      setErrors(noProblems);
      setSecret(result.data.generatedSecret);
      setFields({ name: "", recipients: "", webhookUrl: "", url: "", secret: "" });
    });
  return (
    <Card>
      <CardHeader title="Add a channel" />
      <form
        className="grid gap-4 p-4 sm:grid-cols-2"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Field label="Kind" htmlFor="channel-kind">
          <select id="channel-kind" className={inputClass} value={kind} onChange={(e) => (setKind(e.target.value as ChannelKind), setErrors(noProblems))}>
            {Object.entries(kindLabels).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Name" htmlFor="channel-name" error={error("name")}>
          <input id="channel-name" className={inputClass} placeholder="e.g. Data team" value={fields.name} onChange={(e) => set({ name: e.target.value })} />
        </Field>
        {kind === "email" && (
          <Field label="Recipients" htmlFor="channel-recipients" error={error("recipients")} hint="Addresses separated by commas or new lines" className="col-span-full">
            <textarea id="channel-recipients" rows={2} className={inputClass} value={fields.recipients} onChange={(e) => set({ recipients: e.target.value })} />
          </Field>
        )}
        {kind === "email" && !smtp && (
          <p role="alert" className="col-span-full rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
            {SMTP_HINT}
          </p>
        )}
        {kind === "slack" && (
          <Field label="Incoming-webhook URL" htmlFor="channel-slack" error={error("webhookUrl")} hint="Slack → Apps → Incoming Webhooks → Add to a channel; kept encrypted" className="col-span-full">
            <input id="channel-slack" className={inputClass} placeholder="https://hooks.slack.com/services/…" value={fields.webhookUrl} onChange={(e) => set({ webhookUrl: e.target.value })} />
          </Field>
        )}
        {kind === "webhook" && (
          <>
            <Field label="URL" htmlFor="channel-url" error={error("url")} hint="Receives a JSON POST for each alert, signed with the secret">
              <input id="channel-url" className={inputClass} placeholder="https://example.com/hooks/relay" value={fields.url} onChange={(e) => set({ url: e.target.value })} />
            </Field>
            <Field label="Signing secret" htmlFor="channel-secret" error={error("secret")} hint="Leave empty to have one generated">
              <input id="channel-secret" className={inputClass} autoComplete="off" value={fields.secret} onChange={(e) => set({ secret: e.target.value })} />
            </Field>
          </>
        )}
        <div className="col-span-full flex flex-col gap-3">
          <FormError message={errors.message} />
          {secret && (
            <div role="status" className="rounded-md border border-amber-200 bg-amber-50 p-3 text-sm">
              <p className="font-medium text-amber-900">Copy the signing secret now: it is not shown again.</p>
              <code className="mt-1 block break-all text-xs" data-testid="webhook-secret">
                {secret}
              </code>
            </div>
          )}
          <div>
            <Button type="submit" disabled={pending}>
              Add channel
            </Button>
          </div>
        </div>
      </form>
    </Card>
  );
}

function ChannelRow({ channel, smtp }: { channel: PublicChannel; smtp: boolean }) {
  const [result, setResult] = useState<{ ok: boolean; message: string }>();
  const [pending, startTransition] = useTransition();
  return (
    <tr data-testid={`channel-${channel.name}`} className="align-top">
      <Td className="font-medium">{channel.name}</Td>
      <Td>
        <Badge>{kindLabels[channel.kind]}</Badge>
      </Td>
      <Td className="max-w-xs truncate text-zinc-600" title={channel.target}>
        {channel.target}
        {channel.kind === "email" && !smtp && <p className="text-xs whitespace-normal text-amber-700">No SMTP server is configured: this channel cannot send.</p>}
      </Td>
      <Td className="text-right">
        <span className="flex items-center justify-end gap-2">
          <Button variant="secondary" disabled={pending} onClick={() => startTransition(async () => setResult(await testChannel({ id: channel.id }).then((r) => (r.ok ? r.data : { ok: false, message: r.error }))))}>
            Send test notification
          </Button>
          <Button variant="danger" disabled={pending} aria-label={`Remove ${channel.name}`} onClick={() => startTransition(async () => void (await removeChannel({ id: channel.id })))}>
            Remove
          </Button>
        </span>
        {result && (
          <p role="status" className={cn("mt-1 text-xs whitespace-normal", result.ok ? "text-emerald-700" : "text-red-700")}>
            {result.message}
          </p>
        )}
      </Td>
    </tr>
  );
}

function Deliveries({ deliveries }: { deliveries: DeliveryView[] }) {
  const [open, setOpen] = useState<string>();
  return (
    <Card>
      <CardHeader title="Recent notifications" />
      {deliveries.length === 0 ? (
        <p className="p-4 text-sm text-zinc-500">None yet. Alerts appear here with every attempt to deliver them.</p>
      ) : (
        <Table aria-label="Notifications">
          <thead>
            <tr>
              <Th>When</Th>
              <Th>Channel</Th>
              <Th>What</Th>
              <Th>Status</Th>
              <Th>Attempts</Th>
            </tr>
          </thead>
          <tbody>
            {deliveries.map((d) => (
              <Fragment key={d.id}>
                <tr className="align-top">
                  <Td className="text-zinc-600"><DateTime value={d.createdAt} /></Td>
                  <Td>{d.channel}</Td>
                  <Td className="max-w-md truncate" title={d.subject}>
                    {d.runId ? <a href={`/runs/${d.runId}`} className="hover:underline">{d.subject}</a> : d.subject}
                  </Td>
                  <Td>
                    <Badge tone={d.status === "sent" ? "green" : d.status === "failed" ? "red" : "neutral"}>{d.status}</Badge>
                  </Td>
                  <Td>
                    <button type="button" className="tabular-nums hover:underline" aria-expanded={open === d.id} onClick={() => setOpen(open === d.id ? undefined : d.id)}>
                      {d.attempts.length}
                    </button>
                  </Td>
                </tr>
                {open === d.id && (
                  <tr>
                    <td colSpan={5} className="border-b border-zinc-100 bg-zinc-50 px-4 py-2 text-xs">
                      <ol className="flex flex-col gap-1" aria-label={`Attempts of ${d.subject}`}>
                        {d.attempts.map((a, i) => (
                          <li key={i}>
                            <DateTime value={a.at} />: {a.ok ? "delivered" : "failed"}
                            {a.status !== undefined && ` (${a.status})`}
                            {a.error && <span className="text-red-700"> — {a.error}</span>}
                          </li>
                        ))}
                      </ol>
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}

/** Channels (add, test, remove) and the latest notifications with their attempts. */
export function NotificationsPanel({ channels, deliveries, smtp }: { channels: PublicChannel[]; deliveries: DeliveryView[]; smtp: boolean }) {
  return (
    <div className="flex max-w-5xl flex-col gap-6">
      <Card>
        <CardHeader title="Channels" />
        {channels.length === 0 ? (
          <p className="p-4 text-sm text-zinc-500">No channel yet: add one below, then pick it in a sync&apos;s settings.</p>
        ) : (
          <Table aria-label="Channels">
            <tbody>
              {channels.map((c) => (
                <ChannelRow key={c.id} channel={c} smtp={smtp} />
              ))}
            </tbody>
          </Table>
        )}
      </Card>
      <AddChannel smtp={smtp} />
      <Deliveries deliveries={deliveries} />
    </div>
  );
}
