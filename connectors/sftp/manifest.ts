import { fileManifestBase } from "../shared/file-config";
import type { ConnectorManifest } from "../types";

export const sftpManifest: ConnectorManifest = {
  id: "sftp",
  name: "SFTP (CSV file)",
  description: "Drop a CSV file on an SFTP server: the whole dataset on each run, or what changed, for imports by Splio, agencies and ERPs.",
  ...fileManifestBase,
  endpointSettings: ["host", "port", "user"],
};
