"use client";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, FormError, inputClass } from "@/components/ui/form";

export type AuthField = { name: string; label: string; type?: string; autoComplete?: string; defaultValue?: string; readOnly?: boolean };
type Outcome = { ok: true } | { ok: false; error: string; fieldErrors?: Record<string, string[]> };

/** One small form for sign-in, setup, invitations and password resets: fields, a submit, errors where they belong. */
export function AuthForm({ title, intro, fields, submit, onSubmit, footer }: {
  title: string;
  intro?: React.ReactNode;
  fields: AuthField[];
  submit: string;
  onSubmit: (values: Record<string, string>) => Promise<Outcome>;
  footer?: React.ReactNode;
}) {
  const [pending, startTransition] = useTransition();
  const [outcome, setOutcome] = useState<Outcome>();
  const failed = outcome && !outcome.ok ? outcome : undefined;
  return (
    <Card className="p-6">
      <h1 className="text-lg font-semibold">{title}</h1>
      {intro && <div className="mt-1 text-sm text-zinc-500">{intro}</div>}
      <form
        className="mt-5 flex flex-col gap-4"
        action={(data) => startTransition(async () => setOutcome(await onSubmit(Object.fromEntries([...data].map(([k, v]) => [k, String(v)])))))}
      >
        {fields.map((f) => (
          <Field key={f.name} label={f.label} htmlFor={f.name} error={failed?.fieldErrors?.[f.name]?.[0]}>
            <input id={f.name} name={f.name} type={f.type ?? "text"} autoComplete={f.autoComplete} defaultValue={f.defaultValue} readOnly={f.readOnly} required className={inputClass} />
          </Field>
        ))}
        <FormError message={failed && !failed.fieldErrors ? failed.error : undefined} />
        <Button type="submit" disabled={pending}>
          {pending ? "…" : submit}
        </Button>
      </form>
      {footer && <div className="mt-4 text-sm text-zinc-500">{footer}</div>}
    </Card>
  );
}
