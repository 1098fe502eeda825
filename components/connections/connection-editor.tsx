"use client";
import { CheckCircle2, XCircle } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { type FormProblems, noProblems, problemsOf } from "@/components/ui/action-result";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Field, FormError, inputClass } from "@/components/ui/form";
import { connectorConfigs } from "@/connectors/manifests";
import { removeConnection, saveConnection } from "@/lib/actions/connections/save-connection";
import { testConnection } from "@/lib/actions/connections/test-connection";
import { SchemaForm } from "./schema-form";

type Existing = { id: string; name: string; settings: Record<string, unknown>; rateLimit: { windowSeconds: number; maxRequests: number } | null };

export function ConnectionEditor({ connector, existing }: { connector: string; existing?: Existing }) {
  const router = useRouter();
  const config = connectorConfigs[connector]!;
  const [name, setName] = useState(existing?.name ?? config.manifest.name);
  const [settings, setSettings] = useState<Record<string, unknown>>(existing?.settings ?? {});
  const [secrets, setSecrets] = useState<Record<string, unknown>>({});
  const defaults = existing?.rateLimit ?? config.manifest.defaultRateLimit;
  const [rate, setRate] = useState({ windowSeconds: defaults?.windowSeconds ?? "", maxRequests: defaults?.maxRequests ?? "" });
  const [errors, setErrors] = useState<FormProblems>(noProblems);
  const [test, setTest] = useState<{ ok: boolean; message: string }>();
  const [pending, startTransition] = useTransition();

  const filled = Object.fromEntries(Object.entries(secrets).filter(([, v]) => v !== undefined && v !== ""));
  const rateLimit = rate.windowSeconds && rate.maxRequests ? { windowSeconds: Number(rate.windowSeconds), maxRequests: Number(rate.maxRequests) } : null;

  const save = () =>
    startTransition(async () => {
      const result = await saveConnection({ id: existing?.id, connector, name, settings, secrets: existing && !Object.keys(filled).length ? undefined : filled, rateLimit });
      if (result.ok) {
        router.push("/connections");
        router.refresh();
      } else setErrors(problemsOf(result));
    });

  return (
    <div className="flex max-w-3xl flex-col gap-6">
      <Card className="p-4">
        <Field label="Name" htmlFor="connection-name">
          <input id="connection-name" className={inputClass} value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
      </Card>
      <Card>
        <CardHeader title="Settings" />
        <div className="p-4">
          <SchemaForm schema={config.settingsSchema} values={settings} onChange={setSettings} errors={errors.fields} />
        </div>
      </Card>
      <Card>
        <CardHeader title="Secrets">
          <span className="text-xs text-zinc-500">Write-only: stored encrypted, never shown again</span>
        </CardHeader>
        <div className="p-4">
          <SchemaForm schema={config.secretsSchema} values={secrets} onChange={setSecrets} errors={errors.fields} secret={existing ? "stored" : "new"} />
          <FormError message={errors.fields.secrets?.[0]} />
        </div>
      </Card>
      <Card>
        <CardHeader title="Rate budget">
          <span className="text-xs text-zinc-500">Shared by every sync using this connection</span>
        </CardHeader>
        <div className="grid gap-4 p-4 sm:grid-cols-2">
          <Field label="At most … requests" htmlFor="rate-max">
            <input id="rate-max" type="number" min={1} className={inputClass} value={rate.maxRequests} onChange={(e) => setRate({ ...rate, maxRequests: e.target.value })} />
          </Field>
          <Field label="… in any window of (seconds)" htmlFor="rate-window" hint="Leave both empty for no budget">
            <input id="rate-window" type="number" min={1} className={inputClass} value={rate.windowSeconds} onChange={(e) => setRate({ ...rate, windowSeconds: e.target.value })} />
          </Field>
        </div>
      </Card>
      <FormError message={errors.message} />
      {test && (
        <p role="status" className={`flex items-center gap-2 rounded-md border px-3 py-2 text-sm ${test.ok ? "border-emerald-200 bg-emerald-50 text-emerald-800" : "border-red-200 bg-red-50 text-red-800"}`}>
          {test.ok ? <CheckCircle2 className="size-4" aria-hidden /> : <XCircle className="size-4" aria-hidden />}
          {test.message}
        </p>
      )}
      <div className="flex gap-2">
        <Button type="button" onClick={save} disabled={pending}>
          {existing ? "Save changes" : "Add connection"}
        </Button>
        <Button
          type="button"
          variant="secondary"
          disabled={pending}
          onClick={() =>
            startTransition(async () => {
              const result = await testConnection({ id: existing?.id, connector, settings, secrets: filled });
              setTest(result.ok ? result.data : { ok: false, message: result.fieldErrors?.secrets?.[0] ?? result.error });
              setErrors(result.ok ? noProblems : { fields: result.fieldErrors ?? {} });
            })
          }
        >
          Test connection
        </Button>
        {existing && (
          <Button
            type="button"
            variant="danger"
            className="ml-auto"
            disabled={pending}
            onClick={() =>
              startTransition(async () => {
                const result = await removeConnection({ id: existing.id });
                if (result.ok) router.push("/connections");
                else setErrors({ message: result.error, fields: {} });
              })
            }
          >
            Delete
          </Button>
        )}
      </div>
    </div>
  );
}
