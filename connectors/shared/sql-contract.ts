/**
 * A SQL table for the connector contract suite (connectors/contract.test.ts): created first, as a user's table
 * is, with the email as its primary key; what it holds is read back with a query. No request limit applies.
 */
import { type ContractFixture, contractCapabilities } from "@/test/connector-contract";
import type { Destination } from "@/test/destinations";
import type { ConnectorManifest } from "../types";

export function sqlContract(manifest: ConnectorManifest, destination: () => Promise<Destination>, available?: () => Promise<boolean>): ContractFixture {
  return {
    connector: manifest.id,
    object: "contract_people",
    mapping: [{ from: { field: "first_name" }, to: "name" }],
    capabilities: contractCapabilities(manifest, { losesReplies: false, requestLimit: "none" }),
    available,
    start: async (closeAfter) => {
      const dest = closeAfter(await destination());
      await dest.query("CREATE TABLE contract_people (email varchar(100) PRIMARY KEY, name varchar(100) NOT NULL)");
      const placeholders = dest.kind === "postgres" ? "$1, $2" : "?, ?";
      return {
        settings: dest.settings,
        secrets: dest.secrets,
        held: () => dest.query<{ email: string; name: string }>("SELECT email, name FROM contract_people"),
        addContact: (c) => dest.query(`INSERT INTO contract_people (email, name) VALUES (${placeholders})`, [c.email, c.name]),
      };
    },
  };
}
