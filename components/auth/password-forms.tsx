"use client";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { authClient } from "@/lib/auth/client";
import { AuthForm } from "./auth-form";

export function ForgotPasswordForm({ emailing }: { emailing: boolean }) {
  const [sent, setSent] = useState(false);
  if (sent) return <p className="rounded-md bg-white p-6 text-sm">If an account exists for that address, a link to choose a new password is on its way.</p>;
  return (
    <AuthForm
      title="Forgot your password?"
      intro={emailing ? "We will email you a link to choose a new one." : "This install sends no email: ask an admin of your workspace for a reset link (Settings → Members), or run npm run user:reset-link -- <email> on the server."}
      fields={[{ name: "email", label: "Email", type: "email", autoComplete: "email" }]}
      submit="Send the link"
      onSubmit={async ({ email }) => {
        const { error } = await authClient.requestPasswordReset({ email: email!, redirectTo: "/reset-password" });
        if (error) return { ok: false, error: error.status === 429 ? "Too many attempts: wait a few minutes" : "The link could not be sent" };
        setSent(true);
        return { ok: true };
      }}
      footer={<Link href="/sign-in" className="hover:underline">Back to sign in</Link>}
    />
  );
}

export function ResetPasswordForm() {
  const router = useRouter();
  const token = useSearchParams().get("token") ?? "";
  return (
    <AuthForm
      title="Choose a new password"
      fields={[{ name: "password", label: "New password (10 characters or more)", type: "password", autoComplete: "new-password" }]}
      submit="Save the password"
      onSubmit={async ({ password }) => {
        const { error } = await authClient.resetPassword({ newPassword: password!, token });
        if (error) return { ok: false, error: error.message ?? "This link is invalid or expired: ask for a new one" };
        router.push("/sign-in");
        return { ok: true };
      }}
    />
  );
}
