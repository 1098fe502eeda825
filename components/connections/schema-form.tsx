"use client";
import { useMemo } from "react";
import { z } from "zod";
import { Field, inputClass } from "@/components/ui/form";
import { defaultNote, labelFromKey as label } from "./schema-labels";

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  description?: string;
  anyOf?: JsonSchema[];
  /** Set with `.meta({ advanced: true })`: shown under "Advanced", closed by default (an API base URL). */
  advanced?: boolean;
  /** Set with `.meta({ multiline: true })`: a text area (a PEM private key, a JSON key file). */
  multiline?: boolean;
  /** Set with `.meta({ hidden: true })`: not shown (a setting kept only so older saved values still read). */
  hidden?: boolean;
};

/** The fields a form shows: the usual ones, then those folded under "Advanced"; hidden ones not at all. */
export function fieldSections(json: JsonSchema) {
  const shown = Object.entries(json.properties ?? {}).filter(([, prop]) => !prop.hidden);
  return { basic: shown.filter(([, prop]) => !prop.advanced), advanced: shown.filter(([, prop]) => prop.advanced) };
}

const kindOf = (s: JsonSchema): string => {
  if (s.enum) return "enum";
  const t = Array.isArray(s.type) ? s.type.find((x) => x !== "null") : s.type;
  return t ?? (s.anyOf ? kindOf(s.anyOf.find((a) => a.type !== "null") ?? {}) : "string");
};

/**
 * A form generated from a connector's zod schema: text, number, yes/no and choice fields for scalars,
 * fieldsets for objects, JSON for lists, advanced settings folded away. `values` is the plain object the
 * schema parses.
 */
export function SchemaForm({ schema, values, onChange, errors, prefix = "", secret }: {
  schema: z.ZodType;
  values: Record<string, unknown>;
  onChange: (next: Record<string, unknown>) => void;
  errors?: Record<string, string[]>;
  prefix?: string;
  /** Secrets: password inputs; "stored" when the connection already holds them (empty keeps them). */
  secret?: "new" | "stored";
}) {
  const json = useMemo(() => z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema, [schema]);
  return <ObjectFields json={json} values={values} onChange={onChange} errors={errors ?? {}} path={prefix} secret={secret} />;
}

type FieldsProps = { json: JsonSchema; values: Record<string, unknown>; onChange: (v: Record<string, unknown>) => void; errors: Record<string, string[]>; path: string; secret?: "new" | "stored" };

function ObjectFields(props: FieldsProps) {
  const { basic, advanced } = fieldSections(props.json);
  return (
    <>
      <Fields {...props} entries={basic} />
      {advanced.length > 0 && (
        <details className="mt-4" open={advanced.some(([name]) => props.errors[props.path ? `${props.path}.${name}` : name])}>
          <summary className="cursor-pointer text-sm font-medium text-zinc-600">Advanced</summary>
          <div className="mt-3">
            <Fields {...props} entries={advanced} />
          </div>
        </details>
      )}
    </>
  );
}

function Fields({ json, values, onChange, errors, path, secret, entries }: FieldsProps & { entries: [string, JsonSchema][] }) {
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      {entries.map(([name, prop]) => {
        const key = path ? `${path}.${name}` : name;
        const id = `field-${key.replace(/\./g, "-")}`;
        const kind = kindOf(prop);
        const value = values[name];
        const set = (v: unknown) => onChange({ ...values, [name]: v === "" || v === undefined ? undefined : v });
        const error = errors[key]?.[0];
        const optional = !(json.required ?? []).includes(name) || prop.default !== undefined;
        const note = defaultNote(prop.default);
        const title = `${label(name)}${optional ? "" : " *"}${note && kind !== "array" ? ` — ${note}` : ""}`;
        if (kind === "object")
          return (
            <fieldset key={name} className="col-span-full rounded-md border border-zinc-200 p-3">
              <legend className="px-1 text-sm font-medium">{label(name)}</legend>
              <ObjectFields json={prop.anyOf?.find((a) => a.type === "object") ?? prop} values={(value as Record<string, unknown>) ?? {}} onChange={set} errors={errors} path={key} secret={secret} />
            </fieldset>
          );
        if (kind === "array")
          return (
            <Field key={name} label={`${title} (JSON)`} htmlFor={id} error={error} className="col-span-full" hint={prop.description}>
              <textarea
                id={id}
                rows={5}
                className={`${inputClass} font-mono text-xs`}
                defaultValue={value === undefined ? "" : JSON.stringify(value, null, 2)}
                onChange={(e) => {
                  try {
                    set(e.target.value.trim() ? JSON.parse(e.target.value) : undefined);
                  } catch {
                    set(e.target.value);
                  }
                }}
              />
            </Field>
          );
        return (
          <Field key={name} label={title} htmlFor={id} error={error} hint={prop.description}>
            {kind === "boolean" ? (
              <input id={id} type="checkbox" className="size-4" checked={Boolean(value ?? prop.default)} onChange={(e) => set(e.target.checked)} />
            ) : kind === "enum" ? (
              <select id={id} className={inputClass} value={String(value ?? prop.default ?? "")} onChange={(e) => set(e.target.value)}>
                {prop.default === undefined && <option value="">— choose —</option>}
                {prop.enum!.map((o) => (
                  <option key={String(o)} value={String(o)}>
                    {String(o)}
                  </option>
                ))}
              </select>
            ) : prop.multiline ? (
              <textarea
                id={id}
                rows={6}
                className={`${inputClass} font-mono text-xs`}
                autoComplete="off"
                spellCheck={false}
                placeholder={secret === "stored" ? "Leave empty to keep the stored value" : undefined}
                value={value === undefined ? "" : String(value)}
                onChange={(e) => set(e.target.value)}
              />
            ) : (
              <input
                id={id}
                className={inputClass}
                type={secret ? "password" : kind === "number" || kind === "integer" ? "number" : "text"}
                autoComplete={secret ? "new-password" : "off"}
                placeholder={secret === "stored" ? "Leave empty to keep the stored value" : prop.default !== undefined ? String(prop.default) : undefined}
                value={value === undefined ? "" : String(value)}
                onChange={(e) => set(kind === "number" || kind === "integer" ? (e.target.value === "" ? undefined : Number(e.target.value)) : e.target.value)}
              />
            )}
          </Field>
        );
      })}
    </div>
  );
}
