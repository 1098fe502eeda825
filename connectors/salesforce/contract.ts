/**
 * Salesforce contacts for the connector contract suite (connectors/contract.test.ts), upserted on an external
 * ID field holding the email: Salesforce matches on an external ID or unique field, and its Email is neither.
 */
import { type ContractFixture, contractCapabilities } from "@/test/connector-contract";
import { salesforceManifest } from "./manifest";
import { sandboxConnection, startSalesforceSandbox } from "./sandbox";

export const salesforceContract: ContractFixture = {
  connector: "salesforce",
  object: "Contact",
  keyField: "Relay_Id__c",
  keepsKeyCase: true,
  mapping: [{ from: { field: "first_name" }, to: "LastName" }],
  // The daily API request quota (refused with 403 REQUEST_LIMIT_EXCEEDED): a budget can only keep a run within it, as no window shorter than a day counts.
  capabilities: contractCapabilities(salesforceManifest, { losesReplies: true, requestLimit: { windowSeconds: 86_400, maxRequests: 12, refusedWith: 403 } }),
  start: async (closeAfter, { limit } = {}) => {
    const s = closeAfter(await startSalesforceSandbox(limit ? { apiUsage: { used: 0, max: limit.maxRequests } } : {}));
    return {
      ...sandboxConnection(s),
      held: () => s.records("Contact").map((r) => ({ email: String(r.Relay_Id__c), name: String(r.LastName) })),
      addContact: (c) => void s.insert("Contact", { Relay_Id__c: c.email, LastName: c.name }),
      requests: () => s.log,
      // one collection carries the ten records: the seeded draw loses its first two answers
      loseReplies: () => (s.configure({ lostReplies: { rate: 0.7 } }), () => s.log.filter((l) => l.lost).length),
    };
  },
};
