"use client";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { authClient } from "@/lib/auth/client";
import { AuthForm } from "./auth-form";

export function SignInForm() {
  const router = useRouter();
  const next = useSearchParams().get("next");
  return (
    <AuthForm
      title="Sign in"
      fields={[
        { name: "email", label: "Email", type: "email", autoComplete: "email" },
        { name: "password", label: "Password", type: "password", autoComplete: "current-password" },
      ]}
      submit="Sign in"
      onSubmit={async ({ email, password }) => {
        const { error } = await authClient.signIn.email({ email: email!, password: password! });
        // A locked account says for how long and who can lift it; the per-address limit passes within a minute.
        if (error?.code === "ACCOUNT_LOCKED") return { ok: false, error: error.message ?? "This account is locked" };
        if (error) return { ok: false, error: error.status === 429 ? "Too many attempts: wait a minute, then try again" : "Wrong email or password" };
        router.push(next?.startsWith("/") && !next.startsWith("//") ? next : "/dashboard");
        router.refresh();
        return { ok: true };
      }}
      footer={<Link href="/forgot-password" className="hover:underline">Forgot your password?</Link>}
    />
  );
}
