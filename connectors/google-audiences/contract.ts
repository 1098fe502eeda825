/**
 * A Google Ads Customer Match list, keyed on the email (member_id, never sent) and holding its hash, for the
 * connector contract suite (connectors/contract.test.ts). A list holds identifiers, not names. Its sandbox
 * enforces no request limit of its own (a test injects RESOURCE_EXHAUSTED).
 */
import { type ContractFixture, contractCapabilities, hashedEmail } from "@/test/connector-contract";
import { googleAudiencesManifest } from "./manifest";
import { startGoogleAudiencesSandbox } from "./sandbox";
import { serviceAccountKeyPair } from "./testing";

const LIST = "5550001";
const EMAIL = /^email:([0-9a-f]{64})$/;

export const googleAudiencesContract: ContractFixture = {
  connector: "google-audiences",
  object: LIST,
  keyField: "member_id",
  // The first name alone makes no address (Google needs it with the last name, region and postal code): a change still updates the member.
  mapping: [
    { from: { field: "email" }, to: "email" },
    { from: { field: "first_name" }, to: "first_name" },
  ],
  capabilities: contractCapabilities(googleAudiencesManifest, { losesReplies: false, requestLimit: "none" }),
  holds: (c) => ({ email: hashedEmail(c.email) }),
  start: async (closeAfter) => {
    const account = serviceAccountKeyPair();
    const s = closeAfter(await startGoogleAudiencesSandbox({ serviceAccount: { email: account.email, publicKey: account.publicKey }, accounts: { "1234567890": { lists: [{ id: LIST, displayName: "Contract people" }] } } }));
    return {
      settings: { operatingAccountId: "123-456-7890", defaultAdUserData: "GRANTED", defaultAdPersonalization: "GRANTED", customerMatchTermsAccepted: true, apiBaseUrl: s.url, tokenUrl: s.tokenUrl },
      secrets: { serviceAccountKey: account.json },
      held: () => [...s.members(LIST)].flatMap((key) => (EMAIL.test(key) ? [{ email: EMAIL.exec(key)![1]! }] : [])),
      addContact: (c) => void s.lists.get(LIST)!.members.set(`email:${hashedEmail(c.email)}`, { lastAdded: Date.now(), consent: {} }),
    };
  },
};
