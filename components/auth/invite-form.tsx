"use client";
import { useRouter } from "next/navigation";
import { accept } from "@/lib/actions/auth/accept-invitation";
import { AuthForm } from "./auth-form";

export function InviteForm({ token, email, workspaceName, role, signedInAs }: { token: string; email: string; workspaceName: string; role: string; signedInAs?: string }) {
  const router = useRouter();
  const joining = signedInAs === email;
  return (
    <AuthForm
      title={`Join ${workspaceName}`}
      intro={`You are invited as ${role}.`}
      fields={
        joining
          ? []
          : [
              { name: "email", label: "Email", defaultValue: email, readOnly: true },
              { name: "name", label: "Your name", autoComplete: "name" },
              { name: "password", label: "Password (10 characters or more)", type: "password", autoComplete: "new-password" },
            ]
      }
      submit={joining ? "Join the workspace" : "Create my account and join"}
      onSubmit={async ({ name, password }) => {
        const result = await accept({ token, name, password });
        if (result.ok) {
          router.push(result.data.redirect);
          router.refresh();
        }
        return result;
      }}
    />
  );
}
