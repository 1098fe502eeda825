import { fileManifestBase } from "../shared/file-config";
import type { ConnectorManifest } from "../types";

export const ftpManifest: ConnectorManifest = {
  id: "ftp",
  name: "FTP / FTPS (CSV file)",
  description: "Drop a CSV file on an FTP server, plain or with explicit TLS: the whole dataset on each run, or what changed.",
  ...fileManifestBase,
  endpointSettings: ["host", "port", "user", "tls"],
};
