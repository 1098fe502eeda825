/**
 * A Meta customer-list audience, matched on the hashed email, for the connector contract suite
 * (connectors/contract.test.ts). Meta holds upload rows, not people: rows sharing an email are one person,
 * named by the latest row. Its sandbox enforces no request limit of its own (a test injects 80003 or 17).
 */
import { type ContractFixture, contractCapabilities, hashedEmail, hashedName } from "@/test/connector-contract";
import { metaAudiencesManifest } from "./manifest";
import { startMetaSandbox } from "./sandbox";

const AUDIENCE = "Contract people";

export const metaAudiencesContract: ContractFixture = {
  connector: "meta-audiences",
  // Found by name, or created by the first run.
  object: `new:${AUDIENCE}`,
  keyField: "EMAIL",
  mapping: [{ from: { field: "first_name" }, to: "FN" }],
  capabilities: contractCapabilities(metaAudiencesManifest, { losesReplies: false, requestLimit: "none" }),
  holds: (c) => ({ email: hashedEmail(c.email), name: hashedName(c.name) }),
  start: async (closeAfter) => {
    const s = closeAfter(await startMetaSandbox());
    const audience = () => [...s.audiences.values()].find((a) => a.name === AUDIENCE) ?? s.addAudience({ name: AUDIENCE });
    return {
      settings: { adAccountId: s.adAccountId, graphVersion: "v25.0", apiBaseUrl: s.url, newAudiences: [AUDIENCE] },
      secrets: { accessToken: s.token },
      held: () => [...new Map(s.audience(audience().id)!.members.map((m) => [m.EMAIL!, { email: m.EMAIL!, name: m.FN! }])).values()],
      addContact: (c) => void audience().members.push({ EMAIL: hashedEmail(c.email), FN: hashedName(c.name) }),
    };
  },
};
