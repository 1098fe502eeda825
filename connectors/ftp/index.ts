import "server-only";
import { Client, FTPError } from "basic-ftp";
import { fileConnector, type RemoteFiles } from "../shared/csv-file";
import { type ConnectionConfig, DestinationConfigError } from "../types";
import { type FtpSecrets, type FtpSettings, ftpSecretsSchema, ftpSettingsSchema } from "./config";
import { ftpManifest } from "./manifest";

const where = (s: FtpSettings) => `${s.tls === "explicit" ? "ftps" : "ftp"}://${s.user}@${s.host}:${s.port}`;

async function open({ settings, secrets }: ConnectionConfig<FtpSettings, FtpSecrets>): Promise<RemoteFiles> {
  const client = new Client(30_000);
  try {
    await client.access({ host: settings.host, port: settings.port, user: settings.user, password: secrets.password ?? "", secure: settings.tls === "explicit" });
  } catch (error) {
    client.close();
    if (error instanceof FTPError && error.code === 530) throw new DestinationConfigError(`The FTP server refused the login of ${settings.user}: ${error.message}`);
    throw new Error(`Could not connect to ${where(settings)}: ${(error as Error).message}`);
  }
  return {
    upload: async (source, path) => void (await client.uploadFrom(source, path)),
    // RNFR/RNTO replaces the target on most servers; where it refuses, the old file goes first.
    replace: async (from, to) => {
      try {
        await client.rename(from, to);
      } catch (error) {
        if (!(error instanceof FTPError) || error.code !== 550) throw error;
        await client.remove(to, true);
        await client.rename(from, to);
      }
    },
    remove: async (path) => void (await client.remove(path, true)),
    list: async (folder) => {
      try {
        return (await client.list(folder)).filter((f) => f.isFile).map((f) => f.name);
      } catch (error) {
        throw new DestinationConfigError(`The folder ${folder} cannot be listed: ${(error as Error).message}`);
      }
    },
    close: async () => client.close(),
  };
}

export const ftp = fileConnector<FtpSettings, FtpSecrets>({
  manifest: ftpManifest,
  settingsSchema: ftpSettingsSchema,
  secretsSchema: ftpSecretsSchema,
  open,
  describe: ({ settings }) => where(settings),
});
