/** The Meta delivery tests' world: a Graph API sandbox per test with one customer-list audience, and the delivery context the engine would give. */
import crypto from "node:crypto";
import { afterAll } from "vitest";
import type { DeliveryContext } from "@/connectors/types";
import { createHttpClient } from "@/lib/http/client";
import { scaledClock } from "@/lib/http/context";
import { metaAudiences } from ".";
import { type MetaAudiencesSecrets, type MetaAudiencesSettings, metaAudiencesSettingsSchema } from "./config";
import { type MetaSandbox, type MetaSandboxOptions, startMetaSandbox } from "./sandbox";

export const sha = (v: string) => crypto.createHash("sha256").update(v).digest("hex");

/** Call once at the top of a test file: the sandboxes it starts are closed after its tests. */
export function metaDeliveryTestbed() {
  const sandboxes: MetaSandbox[] = [];
  afterAll(() => Promise.all(sandboxes.map((s) => s.close())));

  async function setup(options: MetaSandboxOptions = {}, mode: DeliveryContext["mode"] = "incremental") {
    const sandbox = await startMetaSandbox(options);
    sandboxes.push(sandbox);
    const audience = sandbox.addAudience({ name: "Lifecycle", members: [{ EMAIL: sha("stray@example.com") }] });
    const connection = { settings: metaAudiencesSettingsSchema.parse({ adAccountId: sandbox.adAccountId, apiBaseUrl: sandbox.url }), secrets: { accessToken: sandbox.token } };
    const ctx: DeliveryContext<MetaAudiencesSettings, MetaAudiencesSecrets> = {
      connection,
      http: createHttpClient({ delaysMs: [10, 10, 10], timeScale: 0.01, outbound: { allowPrivate: true } }),
      clock: scaledClock(0.01),
      object: audience.id,
      mode,
      fields: ["EXTERN_ID", "EMAIL"],
      key: "EXTERN_ID",
      runId: crypto.randomUUID(),
      syncId: crypto.randomUUID(),
      startedAt: new Date(),
      records: async function* () {},
    };
    const d = metaAudiences.delivery;
    const uploads = () => sandbox.log.filter((l) => /\/users(replace)?$/.test(l.path)).map((l) => {
      const s = l.params.session as { session_id: number; batch_seq: number; last_batch_flag: boolean };
      return `${l.method} ${l.path.split("/").at(-1)} ${s.session_id === sessionIds(0) ? "A" : "B"}${s.batch_seq}${s.last_batch_flag ? " last" : ""} ${l.status}`;
    });
    const sessionIds = (i: number) => [...new Set(sandbox.log.filter((l) => l.params.session).map((l) => (l.params.session as { session_id: number }).session_id))][i];
    return { sandbox, audience, ctx, d, uploads, members: () => sandbox.audience(audience.id)!.members.map((m) => m.EXTERN_ID ?? "stray").sort() };
  }

  return setup;
}
