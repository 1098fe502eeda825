import "server-only";
import crypto from "node:crypto";
import SftpClient from "ssh2-sftp-client";
import { fileConnector, type RemoteFiles } from "../shared/csv-file";
import { type ConnectionConfig, DestinationConfigError } from "../types";
import { sftpManifest } from "./manifest";
import { type SftpSecrets, type SftpSettings, sftpSecretsSchema, sftpSettingsSchema } from "./config";

type Config = ConnectionConfig<SftpSettings, SftpSecrets>;

/** OpenSSH's fingerprint of a host key: SHA256:<base64 without padding>, as `ssh-keygen -lf` prints it. */
export const fingerprintOf = (key: Buffer) => `SHA256:${crypto.createHash("sha256").update(key).digest("base64").replace(/=+$/, "")}`;

/** Connects and checks the server's host key against the pinned one (or records it when none is pinned yet). */
/** How to reach the server with the connection's credentials, the host key judged by `accept`. */
const connectOptions = ({ settings, secrets }: Config, accept: (key: Buffer) => boolean) => ({
  host: settings.host,
  port: settings.port,
  username: settings.user,
  password: secrets.password,
  privateKey: secrets.privateKey,
  passphrase: secrets.passphrase,
  readyTimeout: 15_000,
  hostVerifier: accept,
});

async function connect(config: Config) {
  const { settings } = config;
  const client = new SftpClient();
  let presented: string | undefined;
  try {
    await client.connect(
      connectOptions(config, (key) => {
        presented = fingerprintOf(key);
        return !settings.hostKeyFingerprint || settings.hostKeyFingerprint === presented;
      }),
    );
  } catch (error) {
    const message = (error as Error).message;
    if (presented && settings.hostKeyFingerprint && presented !== settings.hostKeyFingerprint)
      throw new DestinationConfigError(`The server's host key is ${presented}, not the pinned ${settings.hostKeyFingerprint}: if the server's key changed on purpose, clear the fingerprint in the connection and save it again`);
    if (/authentication|auth methods|All configured/i.test(message)) throw new DestinationConfigError(`The SFTP server refused the credentials of ${settings.user}: ${message}`);
    throw new Error(`Could not connect to sftp://${settings.host}:${settings.port}: ${message}`);
  }
  return { client, presented: presented! };
}

/** Where SFTP differs: posix-rename (atomic replace, OpenSSH) when the server offers it. */
export async function openSftp(config: Config): Promise<RemoteFiles & { identity: string }> {
  const { client, presented } = await connect(config);
  const entries = async (folder: string) => {
    try {
      return (await client.list(folder)).filter((f) => f.type === "-").map((f) => ({ name: f.name, size: f.size }));
    } catch (error) {
      throw new DestinationConfigError(`The folder ${folder} cannot be listed: ${(error as Error).message}`);
    }
  };
  return {
    identity: `host key ${presented}`,
    upload: async (source, path) => void (await client.put(source, path)),
    replace: async (from, to) => {
      try {
        await client.posixRename(from, to);
      } catch (error) {
        if (!/not support/i.test((error as Error).message)) throw error;
        if (await client.exists(to)) await client.delete(to);
        await client.rename(from, to);
      }
    },
    remove: async (path) => void (await client.delete(path, true)),
    list: async (folder) => (await entries(folder)).map((f) => f.name),
    entries,
    download: async (path) => client.createReadStream(path),
    makeFolder: async (path) => {
      if (!(await client.exists(path))) await client.mkdir(path, true);
    },
    close: async () => void (await client.end()),
  };
}

export const sftp = fileConnector<SftpSettings, SftpSecrets>({
  manifest: sftpManifest,
  settingsSchema: sftpSettingsSchema,
  secretsSchema: sftpSecretsSchema,
  open: openSftp,
  describe: ({ settings }) => `sftp://${settings.user}@${settings.host}:${settings.port}`,
  pin: {
    settings: ["hostKeyFingerprint"],
    /** The key the server presents before any credentials are checked: wrong credentials still pin it. */
    async read({ connection: config }) {
      const client = new SftpClient();
      let presented: string | undefined;
      try {
        await client.connect(connectOptions(config, (key) => ((presented = fingerprintOf(key)), true)));
      } catch (error) {
        if (!presented) throw error;
      } finally {
        await client.end().catch(() => {});
      }
      return { hostKeyFingerprint: presented };
    },
  },
});
