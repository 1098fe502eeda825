"use client";
import { useRouter } from "next/navigation";
import { setup } from "@/lib/actions/auth/setup";
import { AuthForm } from "./auth-form";

export function SetupForm({ workspaceName }: { workspaceName: string }) {
  const router = useRouter();
  return (
    <AuthForm
      title="Welcome to Relay"
      intro="Create the owner account. You can invite your team afterwards."
      fields={[
        { name: "workspaceName", label: "Workspace", defaultValue: workspaceName },
        { name: "name", label: "Your name", autoComplete: "name" },
        { name: "email", label: "Email", type: "email", autoComplete: "email" },
        { name: "password", label: "Password (10 characters or more)", type: "password", autoComplete: "new-password" },
      ]}
      submit="Create the owner account"
      onSubmit={async (values) => {
        const result = await setup(values as never);
        if (result.ok) {
          router.push(result.data.redirect);
          router.refresh();
        }
        return result;
      }}
    />
  );
}
