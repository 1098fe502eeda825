import fs from "node:fs";
import path from "node:path";

/** Where e2e/global-setup.ts's SMTP server writes each message it receives, as JSON. */
export const MAIL_DIR = ".data/e2e-mail";
export const SMTP_PORT = Number(process.env.E2E_SMTP_PORT ?? 3225);

export type StoredMail = { to: string[]; subject: string; text: string; html: string };

/** Every message the app has sent during this e2e run, oldest first. */
export function sentMail(): StoredMail[] {
  if (!fs.existsSync(MAIL_DIR)) return [];
  return fs
    .readdirSync(MAIL_DIR)
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(MAIL_DIR, f), "utf8")) as StoredMail);
}
