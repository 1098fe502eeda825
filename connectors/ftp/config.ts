/** Settings of an FTP destination. Client-safe. */
import { z } from "zod";
import { fileSettingsShape } from "../shared/file-config";

export const ftpSettingsSchema = z.strictObject({
  host: z.string().trim().min(1, "Enter the host").max(255),
  port: z.coerce.number().int().min(1).max(65_535).default(21),
  user: z.string().trim().min(1, "Enter the user").max(128),
  tls: z.enum(["explicit", "none"]).default("explicit").describe("explicit: FTPS (AUTH TLS), the login and the file encrypted; none: plain FTP"),
  ...fileSettingsShape,
});

export const ftpSecretsSchema = z.strictObject({ password: z.string().max(1_024).optional() });

export type FtpSettings = z.output<typeof ftpSettingsSchema>;
export type FtpSecrets = z.output<typeof ftpSecretsSchema>;
