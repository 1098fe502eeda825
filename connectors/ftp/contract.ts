/** A CSV file on the FTP test server, for the connector contract suite (connectors/contract.test.ts). */
import { fileContract } from "../shared/file-contract";
import { ftpManifest } from "./manifest";

export const ftpContract = fileContract(ftpManifest, "ftp");
