import "server-only";
import { PassThrough, Readable } from "node:stream";
import { Client, FTPError } from "basic-ftp";
import { fileConnector, type RemoteFiles } from "../shared/csv-file";
import { type ConnectionConfig, DestinationConfigError } from "../types";
import { type FtpSecrets, type FtpSettings, ftpSecretsSchema, ftpSettingsSchema } from "./config";
import { ftpManifest } from "./manifest";

const where = (s: FtpSettings) => `${s.tls === "explicit" ? "ftps" : "ftp"}://${s.user}@${s.host}:${s.port}`;

export async function openFtp({ settings, secrets }: ConnectionConfig<FtpSettings, FtpSecrets>): Promise<RemoteFiles> {
  const client = new Client(30_000);
  try {
    await client.access({ host: settings.host, port: settings.port, user: settings.user, password: secrets.password ?? "", secure: settings.tls === "explicit" });
  } catch (error) {
    client.close();
    if (error instanceof FTPError && error.code === 530) throw new DestinationConfigError(`The FTP server refused the login of ${settings.user}: ${error.message}`);
    throw new Error(`Could not connect to ${where(settings)}: ${(error as Error).message}`);
  }
  // The client takes one task at a time, and a download lasts until its reader is done with it: every task waits for it.
  let downloading: Promise<unknown> = Promise.resolve();
  const next = <T>(task: () => Promise<T>) => downloading.then(task);
  const entries = async (folder: string) => {
    try {
      return (await next(() => client.list(folder))).filter((f) => f.isFile).map((f) => ({ name: f.name, size: f.size }));
    } catch (error) {
      throw new DestinationConfigError(`The folder ${folder} cannot be listed: ${(error as Error).message}`);
    }
  };
  return {
    upload: async (source, path) => void (await next(() => client.uploadFrom(source, path))),
    // RNFR/RNTO replaces the target on most servers; where it refuses, the old file goes first.
    replace: async (from, to) => {
      try {
        await next(() => client.rename(from, to));
      } catch (error) {
        if (!(error instanceof FTPError) || error.code !== 550) throw error;
        await client.remove(to, true);
        await client.rename(from, to);
      }
    },
    remove: async (path) => void (await next(() => client.remove(path, true))),
    list: async (folder) => (await entries(folder)).map((f) => f.name),
    entries,
    // The download writes into a pass-through the caller reads; the stream ends once the server confirmed the
    // transfer, and a failed download fails it. A reader that stops early leaves the rest to be drained and dropped.
    download: async (path) => {
      await downloading;
      const data = new PassThrough();
      const done = client.downloadTo(data, path);
      downloading = done.catch(() => {});
      done.catch((error: Error) => data.destroy(error));
      return Readable.from(
        (async function* () {
          try {
            yield* data;
            await done;
          } finally {
            data.resume();
          }
        })(),
      );
    },
    makeFolder: (path) =>
      next(async () => {
        await client.ensureDir(path);
        await client.cd("/");
      }),
    close: async () => client.close(),
  };
}

export const ftp = fileConnector<FtpSettings, FtpSecrets>({
  manifest: ftpManifest,
  settingsSchema: ftpSettingsSchema,
  secretsSchema: ftpSecretsSchema,
  open: openFtp,
  describe: ({ settings }) => where(settings),
});
