import "server-only";
import nodemailer, { type Transporter } from "nodemailer";
import { env } from "@/lib/env";

/** Email goes out over the SMTP server configured by SMTP_URL or SMTP_HOST/PORT/USER/PASSWORD. */
export const smtpConfigured = () => Boolean(env.SMTP_URL || env.SMTP_HOST);

let transport: Transporter | undefined;

export async function sendMail(message: { to: string | string[]; subject: string; text: string; html?: string }) {
  if (!smtpConfigured()) throw new Error("No SMTP server is configured (SMTP_URL)");
  transport ??= env.SMTP_URL
    ? nodemailer.createTransport(env.SMTP_URL)
    : nodemailer.createTransport({ host: env.SMTP_HOST, port: env.SMTP_PORT ?? 587, auth: env.SMTP_USER ? { user: env.SMTP_USER, pass: env.SMTP_PASSWORD } : undefined });
  return transport.sendMail({ from: env.SMTP_FROM, ...message });
}
