import { headers } from "next/headers";
import { InviteForm } from "@/components/auth/invite-form";
import { findInvitation } from "@/lib/auth/accounts";
import { getAuth } from "@/lib/auth/server";
import { getDb } from "@/lib/db/client";

export const metadata = { title: "Invitation" };

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invitation = await findInvitation(getDb(), token);
  if (!invitation) return <p className="rounded-md bg-white p-6 text-sm">This invitation link is invalid, used or expired: ask for a new one.</p>;
  const session = await getAuth().api.getSession({ headers: await headers() });
  return <InviteForm token={token} email={invitation.email} workspaceName={invitation.workspaceName} role={invitation.role} signedInAs={session?.user.email} />;
}
