/**
 * A CSV file on the SFTP or FTP test server for the connector contract suite (connectors/contract.test.ts): each
 * run writes the whole segment to one file, read back by parsing it. No request limit applies.
 */
import fs from "node:fs";
import { parse } from "csv-parse/sync";
import { type ContractFixture, contractCapabilities } from "@/test/connector-contract";
import { fileServerAvailable, type FileServerKind, startFileServer } from "@/test/file-server";
import type { ConnectorManifest } from "../types";

const FILE = "contract.csv";
const ACCOUNT = { user: "relay", password: "s3cret pass" };

export function fileContract(manifest: ConnectorManifest, kind: FileServerKind): ContractFixture {
  return {
    connector: manifest.id,
    object: FILE,
    mapping: [{ from: { field: "first_name" }, to: "name" }],
    capabilities: contractCapabilities(manifest, { losesReplies: false, requestLimit: "none" }),
    available: () => fileServerAvailable(kind),
    start: async (closeAfter) => {
      const server = closeAfter(await startFileServer(kind, ACCOUNT));
      return {
        settings: server.settings({ fileName: FILE }),
        secrets: { password: ACCOUNT.password },
        held: () => (fs.existsSync(server.local(FILE)) ? (parse(fs.readFileSync(server.local(FILE)), { columns: true }) as { email: string; name: string }[]) : []),
      };
    },
  };
}
