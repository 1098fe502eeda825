/** The HTTP API connector, matched on its contacts' email, for the connector contract suite (connectors/contract.test.ts). */
import { type ContractFixture, contractCapabilities } from "@/test/connector-contract";
import { httpApiSettings } from "@/test/http-api";
import { httpApiManifest } from "./manifest";
import { startHttpApiSandbox } from "./sandbox";

export const httpApiContract: ContractFixture = {
  connector: "http-api",
  object: "contacts",
  mapping: [{ from: { field: "first_name" }, to: "first_name" }],
  capabilities: contractCapabilities(httpApiManifest, { losesReplies: true, requestLimit: { windowSeconds: 1, maxRequests: 3, refusedWith: 429 } }),
  start: async (closeAfter, { limit } = {}) => {
    const s = closeAfter(await startHttpApiSandbox(limit ? { rateLimit: { limit: limit.maxRequests, windowMs: limit.windowSeconds * 1_000 } } : {}));
    return {
      // a replayed create must meet the duplicate, not the idempotency cache
      settings: httpApiSettings(s, { list: { path: "/contacts", keyField: "email" }, idempotencyHeader: undefined }),
      secrets: { token: s.token },
      held: () => [...s.contacts.values()].map((c) => ({ email: String(c.email), name: String(c.first_name) })),
      addContact: (c) => void s.contacts.set(`outside_${s.contacts.size}`, { id: `outside_${s.contacts.size}`, email: c.email, first_name: c.name }),
      requests: () => s.log,
      loseReplies: () => (s.configure({ faults: { rate: 0.3, kinds: ["lost_reply"] } }), () => s.log.filter((l) => l.status === "dropped").length),
    };
  },
};
