/** Brevo contacts for the connector contract suite (connectors/contract.test.ts). */
import { type ContractFixture, contractCapabilities } from "@/test/connector-contract";
import { brevoManifest } from "./manifest";
import { startBrevoSandbox } from "./sandbox";

export const brevoContract: ContractFixture = {
  connector: "brevo",
  object: "contacts",
  mapping: [{ from: { field: "first_name" }, to: "FIRSTNAME" }],
  // Brevo's per-second limit on contacts calls, at three.
  capabilities: contractCapabilities(brevoManifest, { losesReplies: true, requestLimit: { windowSeconds: 1, maxRequests: 3, refusedWith: 429 } }),
  start: async (closeAfter, { limit } = {}) => {
    const s = closeAfter(await startBrevoSandbox(limit ? { timeScale: limit.windowSeconds, limits: { contacts: { perSecond: limit.maxRequests } } } : { timeScale: 0.01 }));
    return {
      settings: { apiBaseUrl: s.url, listIds: [] },
      secrets: { apiKey: s.apiKey },
      held: () => [...s.contacts.values()].map((c) => ({ email: c.email!, name: String(c.attributes.FIRSTNAME) })),
      addContact: (c) => void s.addContact({ email: c.email, attributes: { FIRSTNAME: c.name } }),
      requests: () => s.log,
      // one create per record
      loseReplies: () => (s.configure({ lostReplies: { rate: 0.3 } }), () => s.log.filter((l) => l.lost).length),
    };
  },
};
