/** Zendesk end users for the connector contract suite (connectors/contract.test.ts). */
import { type ContractFixture, contractCapabilities } from "@/test/connector-contract";
import { zendeskManifest } from "./manifest";
import { startZendeskSandbox } from "./sandbox";

export const zendeskContract: ContractFixture = {
  connector: "zendesk",
  object: "users",
  mapping: [{ from: { field: "first_name" }, to: "name" }],
  // The per-minute account limit, its minute shortened to a second of two requests (a run of ten people makes four).
  capabilities: contractCapabilities(zendeskManifest, { losesReplies: true, requestLimit: { windowSeconds: 1, maxRequests: 2, refusedWith: 429 } }),
  start: async (closeAfter, { limit } = {}) => {
    const s = closeAfter(await startZendeskSandbox({ bulkImport: true, ...(limit ? { requestsPerMinute: limit.maxRequests, minuteMs: limit.windowSeconds * 1_000 } : {}) }));
    return {
      settings: { subdomain: "acme", email: s.email, apiBaseUrl: s.url, sendVerifyEmail: false },
      secrets: { apiToken: s.token },
      held: () => s.endUsers().map((u) => ({ email: u.email!, name: u.name })),
      addContact: (c) => void s.addUser({ email: c.email, name: c.name, role: "end-user" }),
      requests: () => s.log,
      // one job carries the ten records: the seeded draw loses its first two answers
      loseReplies: () => (s.configure({ lostReplies: { rate: 0.7 } }), () => s.log.filter((l) => l.lost).length),
    };
  },
};
