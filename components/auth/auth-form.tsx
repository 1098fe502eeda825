"use client";
import { useState, useTransition } from "react";
import type { ActionFailure } from "@/components/ui/action-result";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, FormError, inputClass } from "@/components/ui/form";

export type AuthField = { name: string; label: string; type?: string; autoComplete?: string; defaultValue?: string; readOnly?: boolean };
type Outcome = { ok: true } | ActionFailure;

/**
 * One small form for sign-in, setup, invitations and password resets: fields, a submit, errors where they belong.
 * A refused submission keeps what was typed, except passwords, which are asked for again.
 */
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
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(fields.map((f) => [f.name, f.defaultValue ?? ""])));
  const failed = outcome && !outcome.ok ? outcome : undefined;
  const submitValues = (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    startTransition(async () => {
      const result = await onSubmit(values);
      setOutcome(result);
      if (!result.ok) setValues((typed) => ({ ...typed, ...Object.fromEntries(fields.filter((f) => f.type === "password").map((f) => [f.name, ""])) }));
    });
  };
  return (
    <Card className="p-6">
      <h1 className="text-lg font-semibold">{title}</h1>
      {intro && <div className="mt-1 text-sm text-zinc-500">{intro}</div>}
      <form className="mt-5 flex flex-col gap-4" onSubmit={submitValues}>
        {fields.map((f) => (
          <Field key={f.name} label={f.label} htmlFor={f.name} error={failed?.fieldErrors?.[f.name]?.[0]}>
            <input id={f.name} name={f.name} type={f.type ?? "text"} autoComplete={f.autoComplete} value={values[f.name] ?? ""}
              onChange={(e) => setValues((typed) => ({ ...typed, [f.name]: e.target.value }))}
              readOnly={f.readOnly} required className={inputClass} />
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
