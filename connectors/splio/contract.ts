/** Splio contacts, keyed on their email, for the connector contract suite (connectors/contract.test.ts). */
import { type ContractFixture, contractCapabilities } from "@/test/connector-contract";
import { splioManifest } from "./manifest";
import { startSplioSandbox } from "./sandbox";

export const splioContract: ContractFixture = {
  connector: "splio",
  object: "contacts",
  mapping: [{ from: { field: "first_name" }, to: "firstname" }],
  // Kong's per-second limits of the contacts and other buckets, three requests each.
  capabilities: contractCapabilities(splioManifest, { losesReplies: false, requestLimit: { windowSeconds: 1, maxRequests: 3, refusedWith: 429 } }),
  start: async (closeAfter, { limit } = {}) => {
    const perSecond = limit && { contacts: limit.maxRequests, other: limit.maxRequests };
    const s = closeAfter(await startSplioSandbox(perSecond ? { timeScale: limit.windowSeconds, limits: { perSecond } } : { timeScale: 0.01 }));
    return {
      settings: { apiBaseUrl: s.url },
      secrets: { apiKey: s.apiKey },
      requests: () => s.log,
      held: () => [...s.contacts.values()].map((c) => ({ email: c.email, name: c.firstname })),
      addContact: (c) => {
        const answer = s.universe.createContact({ email: c.email, firstname: c.name });
        if (answer.status >= 300) throw new Error(`The sandbox refused the contact: ${JSON.stringify(answer.body)}`);
      },
    };
  },
};
