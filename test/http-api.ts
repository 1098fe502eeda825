import type { HttpApiSandbox } from "@/connectors/http-api/sandbox";

/** Settings of an HTTP API connection to the sandbox's /contacts resource. */
export function httpApiSettings(sandbox: HttpApiSandbox, extra: Record<string, unknown> = {}) {
  return {
    baseUrl: sandbox.url,
    auth: "bearer",
    object: "contacts",
    fields: [
      { name: "contact_id", key: "unique" },
      { name: "email", required: true, key: "unique" },
      { name: "first_name" },
      { name: "country" },
    ],
    create: { path: "/contacts" },
    update: { path: "/contacts/{id}" },
    delete: { path: "/contacts/{id}" },
    list: { path: "/contacts", keyField: "contact_id" },
    idempotencyHeader: "Idempotency-Key",
    timeoutMs: 1_000,
    ...extra,
  };
}
