import fs from "node:fs";
import path from "node:path";
import { startSmtpSink } from "@/test/smtp";
import { MAIL_DIR, SMTP_PORT } from "./mail";

/** A real SMTP server for the whole e2e run: the app (SMTP_URL) sends invitations and alerts to it. */
export default async function globalSetup() {
  fs.rmSync(MAIL_DIR, { recursive: true, force: true });
  fs.mkdirSync(MAIL_DIR, { recursive: true });
  let count = 0;
  const sink = await startSmtpSink(SMTP_PORT, ({ to, subject, text, html }) => {
    fs.writeFileSync(path.join(MAIL_DIR, `${String(++count).padStart(4, "0")}.json`), JSON.stringify({ to, subject, text, html }));
  });
  return () => sink.close();
}
