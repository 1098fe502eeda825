/** HubSpot contacts for the connector contract suite (connectors/contract.test.ts). */
import { type ContractFixture, contractCapabilities } from "@/test/connector-contract";
import { hubspotManifest } from "./manifest";
import { startHubspotSandbox } from "./sandbox";

export const hubspotContract: ContractFixture = {
  connector: "hubspot",
  object: "contacts",
  mapping: [{ from: { field: "first_name" }, to: "firstname" }],
  // The rolling window, shortened to a second of one request, so that a run of ten people (three requests) meets it.
  capabilities: contractCapabilities(hubspotManifest, { losesReplies: true, requestLimit: { windowSeconds: 1, maxRequests: 1, refusedWith: 429 } }),
  start: async (closeAfter, { limit } = {}) => {
    const s = closeAfter(await startHubspotSandbox(limit ? { timeScale: 1, rateLimit: { max: limit.maxRequests, intervalMs: limit.windowSeconds * 1_000 } } : { timeScale: 0.01 }));
    return {
      settings: { apiBaseUrl: s.url },
      secrets: { accessToken: s.token },
      held: () => s.records().map((r) => ({ email: r.properties.email!, name: r.properties.firstname! })),
      addContact: (c) => void s.seed("contacts", { email: c.email, firstname: c.name }),
      requests: () => s.log,
      // one batch carries the ten records: the seeded draw loses its first two answers
      loseReplies: () => (s.configure({ lostReplies: { rate: 0.7 } }), () => s.log.filter((l) => l.lost).length),
    };
  },
};
