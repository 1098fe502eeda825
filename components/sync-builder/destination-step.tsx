"use client";
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { Field, inputClass } from "@/components/ui/form";
import { manifests } from "@/connectors/manifests";
import type { DestinationObject } from "@/connectors/types";
import type { BuilderConnection, FieldError } from "./types";

/** Step 3: the connection and the object of it the sync writes to. */
export function DestinationStep({ connections, connectionId, onConnection, object, onObject, objects, fieldError }: {
  connections: BuilderConnection[];
  connectionId?: string;
  onConnection: (connectionId?: string) => void;
  object?: string;
  onObject: (object?: string) => void;
  objects: { data?: DestinationObject[]; error: Error | null; isLoading: boolean };
  fieldError: FieldError;
}) {
  const connection = connections.find((c) => c.id === connectionId);
  const manifest = connection ? manifests[connection.connector] : undefined;
  return (
    <Card className="grid gap-4 p-4 sm:grid-cols-2">
      <Field label="Connection" htmlFor="connection" error={fieldError("connectionId")}>
        <select id="connection" className={inputClass} value={connectionId ?? ""} onChange={(e) => onConnection(e.target.value || undefined)}>
          <option value="">Pick a connection</option>
          {connections.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} ({manifests[c.connector]?.name ?? c.connector})
            </option>
          ))}
        </select>
      </Field>
      <Field label={manifest ? `Destination ${manifest.objectNoun}` : "Destination object"} htmlFor="object" error={objects.error ? objects.error.message : fieldError("object")}>
        <select id="object" className={inputClass} value={object ?? ""} disabled={!objects.data} onChange={(e) => onObject(e.target.value || undefined)}>
          <option value="">{objects.isLoading ? "Loading…" : "Pick one"}</option>
          {objects.data?.map((o) => (
            <option key={o.name} value={o.name}>
              {o.label}
            </option>
          ))}
        </select>
      </Field>
      {connections.length === 0 && (
        <p className="text-sm text-zinc-500">
          No connection yet: <Link href="/connections/new" className="underline">add one</Link>.
        </p>
      )}
    </Card>
  );
}
