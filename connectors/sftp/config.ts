/** Settings of an SFTP destination. Client-safe. */
import { z } from "zod";
import { fileSettingsShape } from "../shared/file-config";

export const sftpSettingsSchema = z.strictObject({
  host: z.string().trim().min(1, "Enter the host").max(255),
  port: z.coerce.number().int().min(1).max(65_535).default(22),
  user: z.string().trim().min(1, "Enter the user").max(128),
  ...fileSettingsShape,
  hostKeyFingerprint: z
    .string()
    .trim()
    .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, "A fingerprint such as SHA256:…, as ssh-keygen -lf prints it")
    .optional()
    .describe("The server's host key, pinned when the connection is saved: a server presenting another key is refused"),
});

export const sftpSecretsSchema = z
  .strictObject({
    password: z.string().max(1_024).optional(),
    privateKey: z.string().max(20_000).optional().meta({ description: "An OpenSSH or PEM private key", multiline: true }),
    passphrase: z.string().max(1_024).optional(),
  })
  .refine((s) => s.password || s.privateKey, { message: "Enter a password or a private key", path: ["password"] });

export type SftpSettings = z.output<typeof sftpSettingsSchema>;
export type SftpSecrets = z.output<typeof sftpSecretsSchema>;
