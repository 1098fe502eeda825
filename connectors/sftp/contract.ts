/** A CSV file on the SFTP test server (OpenSSH's sftp-server), for the connector contract suite (connectors/contract.test.ts). */
import { fileContract } from "../shared/file-contract";
import { sftpManifest } from "./manifest";

export const sftpContract = fileContract(sftpManifest, "sftp");
