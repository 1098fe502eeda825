"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { audit } from "@/lib/audit";
import { createInvitation } from "@/lib/auth/accounts";
import { roles } from "@/lib/db/schema";
import { sendMail, smtpConfigured } from "@/lib/notify/mailer";
import { workspaceAction } from "../workspace-action";

export const invite = workspaceAction("manageMembers", z.object({ email: z.email("Enter a valid email").max(200), role: z.enum(roles) }), async ({ email, role }, ctx) => {
  const link = await createInvitation(ctx.db, { workspaceId: ctx.workspaceId, email, role, invitedBy: ctx.userId });
  const emailed = smtpConfigured();
  if (emailed)
    await sendMail({ to: email, subject: `${ctx.name} invited you to ${ctx.workspaceName} on Relay`, text: `Join ${ctx.workspaceName} as ${role} within 7 days: ${link}` });
  await audit(ctx.db, { workspaceId: ctx.workspaceId, actor: ctx.actor, action: "member.invited", target: { type: "member", name: email }, details: { role } });
  revalidatePath("/settings/members");
  return { link, emailed };
});
