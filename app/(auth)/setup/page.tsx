import { redirect } from "next/navigation";
import { connection } from "next/server";
import { SetupForm } from "@/components/auth/setup-form";
import { hasUsers } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { getDefaultWorkspace } from "@/lib/db/queries/workspaces";

export const metadata = { title: "Set up" };

export default async function SetupPage() {
  await connection();
  const db = getDb();
  if (await hasUsers(db)) redirect("/sign-in");
  return <SetupForm workspaceName={(await getDefaultWorkspace(db)).name} />;
}
