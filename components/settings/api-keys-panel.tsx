"use client";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { DateTime } from "@/components/ui/date-time";
import { Field, FormError, inputClass, submitKeeping } from "@/components/ui/form";
import { Table, Td, Th } from "@/components/ui/table";
import { createKey, revokeKey } from "@/lib/actions/members/api-keys";

type KeyRow = { id: string; name: string; prefix: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null };

export function ApiKeysPanel({ keys }: { keys: KeyRow[] }) {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string>();
  const [created, setCreated] = useState<string>();
  return (
    <div className="flex max-w-4xl flex-col gap-6">
      <Card className="p-4">
        <form
          className="flex items-end gap-3"
          onSubmit={submitKeeping((data, form) =>
            startTransition(async () => {
              const result = await createKey({ name: String(data.get("name")) });
              setError(result.ok ? undefined : result.error);
              setCreated(result.ok ? result.data.key : undefined);
              if (result.ok) form.reset();
            }),
          )}
        >
          <Field label="New key" htmlFor="key-name" className="flex-1">
            <input id="key-name" name="name" required placeholder="e.g. CI pipeline" className={inputClass} />
          </Field>
          <Button type="submit" disabled={pending}>
            Create key
          </Button>
        </form>
        {created && (
          <div role="status" className="mt-3 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm">
            <p className="font-medium text-amber-900">Copy the key now: it is not shown again.</p>
            <code className="mt-1 block break-all text-xs" data-testid="new-api-key">
              {created}
            </code>
          </div>
        )}
        <FormError message={error} />
      </Card>
      <Card>
        <CardHeader title="Keys" />
        <Table aria-label="API keys">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Key</Th>
              <Th>Created</Th>
              <Th>Last used</Th>
              <Th />
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id}>
                <Td>{k.name}</Td>
                <Td>
                  <code>{k.prefix}…</code>
                </Td>
                <Td><DateTime value={k.createdAt} day /></Td>
                <Td><DateTime value={k.lastUsedAt} day /></Td>
                <Td className="text-right">
                  {k.revokedAt ? (
                    <span className="text-zinc-500">revoked <DateTime value={k.revokedAt} day /></span>
                  ) : (
                    <Button variant="danger" disabled={pending} onClick={() => startTransition(async () => setError((await revokeKey({ keyId: k.id })).ok ? undefined : "The key could not be revoked"))}>
                      Revoke
                    </Button>
                  )}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </Card>
    </div>
  );
}
