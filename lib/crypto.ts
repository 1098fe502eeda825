import "server-only";
import crypto from "node:crypto";
import { env } from "@/lib/env";
import { localSecret } from "@/lib/local-secret";

/**
 * Secrets at rest: AES-256-GCM with APP_ENCRYPTION_KEY (or, for the embedded default, a key generated
 * once into the data folder). Ciphertext names the key it was made with, so APP_ENCRYPTION_KEY_PREVIOUS
 * can still open old values while they are re-encrypted with the new key.
 */
const decodeKey = (text: string) => Buffer.from(text, /^[0-9a-f]{64}$/i.test(text) ? "hex" : "base64");
const keyId = (key: Buffer) => crypto.createHash("sha256").update(key).digest("hex").slice(0, 8);

let keys: Buffer[] | undefined;
function encryptionKeys(): Buffer[] {
  keys ??= [env.APP_ENCRYPTION_KEY ? decodeKey(env.APP_ENCRYPTION_KEY) : decodeKey(localSecret("encryption.key")), ...(env.APP_ENCRYPTION_KEY_PREVIOUS ? [decodeKey(env.APP_ENCRYPTION_KEY_PREVIOUS)] : [])];
  return keys;
}

export function encryptJson(value: unknown): string {
  const key = encryptionKeys()[0]!;
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
  return `v1.${keyId(key)}.${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64")}`;
}

export function decryptJson<T>(text: string): T {
  const [version, id, payload] = text.split(".");
  const key = encryptionKeys().find((k) => keyId(k) === id);
  if (version !== "v1" || !payload) throw new Error("Unreadable secret");
  if (!key) throw new Error("A secret was encrypted with a key that is not configured (APP_ENCRYPTION_KEY / APP_ENCRYPTION_KEY_PREVIOUS)");
  const raw = Buffer.from(payload, "base64");
  const decipher = crypto.createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8")) as T;
}
