import { ForgotPasswordForm } from "@/components/auth/password-forms";
import { smtpConfigured } from "@/lib/notify/mailer";

export const metadata = { title: "Forgot your password?" };
export const dynamic = "force-dynamic";

export default function ForgotPasswordPage() {
  return <ForgotPasswordForm emailing={smtpConfigured()} />;
}
