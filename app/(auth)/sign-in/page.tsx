import { redirect } from "next/navigation";
import { connection } from "next/server";
import { Suspense } from "react";
import { SignInForm } from "@/components/auth/sign-in-form";
import { hasUsers } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";

export const metadata = { title: "Sign in" };

export default async function SignInPage() {
  await connection();
  if (!(await hasUsers(getDb()))) redirect("/setup");
  return (
    <Suspense>
      <SignInForm />
    </Suspense>
  );
}
