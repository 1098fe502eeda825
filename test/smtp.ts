/** A real SMTP server on loopback that keeps every message it receives, parsed (both parts, headers). */
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export type ReceivedMail = { to: string[]; subject: string; text: string; html: string; parsed: ParsedMail };

/** `onMessage` sees each message as it arrives (the e2e suite writes them to files for the specs to read). */
export async function startSmtpSink(port = 0, onMessage?: (mail: ReceivedMail) => void) {
  const messages: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const mail = { to: session.envelope.rcptTo.map((r) => r.address), subject: parsed.subject ?? "", text: parsed.text ?? "", html: typeof parsed.html === "string" ? parsed.html : "", parsed };
          messages.push(mail);
          onMessage?.(mail);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.server.address() as { port: number };
  return { url: `smtp://127.0.0.1:${address.port}`, port: address.port, messages, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
