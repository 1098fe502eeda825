"use server";
import { and, eq } from "drizzle-orm";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { audit } from "@/lib/audit";
import { getAuth, issuedResetLinks } from "@/lib/auth/server";
import { liftSignInLock } from "@/lib/auth/sign-in-guard";
import { invitations, memberships, roles, users } from "@/lib/db/schema";
import { appUrl } from "@/lib/env";
import { NotFoundError, PublicError } from "@/lib/errors";
import { smtpConfigured } from "@/lib/notify/mailer";
import { type ActionContext, workspaceAction } from "../workspace-action";

async function otherMember(ctx: ActionContext, userId: string) {
  if (userId === ctx.userId) throw new PublicError("You cannot change your own membership", { status: 409 });
  const [row] = await ctx.db
    .select({ owner: memberships.owner, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.workspaceId, ctx.workspaceId), eq(memberships.userId, userId)));
  if (!row) throw new NotFoundError("Member");
  if (row.owner) throw new PublicError("The owner's membership cannot be changed", { status: 409 });
  return row;
}

export const changeRole = workspaceAction("manageMembers", z.object({ userId: z.string().min(1), role: z.enum(roles) }), async ({ userId, role }, ctx) => {
  const member = await otherMember(ctx, userId);
  await ctx.db.update(memberships).set({ role }).where(and(eq(memberships.workspaceId, ctx.workspaceId), eq(memberships.userId, userId)));
  await audit(ctx.db, { workspaceId: ctx.workspaceId, actor: ctx.actor, action: "member.role_changed", target: { type: "member", id: userId, name: member.email }, details: { role } });
  revalidatePath("/settings/members");
  return { userId, role };
});

export const removeMember = workspaceAction("manageMembers", z.object({ userId: z.string().min(1) }), async ({ userId }, ctx) => {
  const member = await otherMember(ctx, userId);
  await ctx.db.delete(memberships).where(and(eq(memberships.workspaceId, ctx.workspaceId), eq(memberships.userId, userId)));
  await audit(ctx.db, { workspaceId: ctx.workspaceId, actor: ctx.actor, action: "member.removed", target: { type: "member", id: userId, name: member.email } });
  revalidatePath("/settings/members");
  return { userId };
});

export const revokeInvitation = workspaceAction("manageMembers", z.object({ invitationId: z.uuid() }), async ({ invitationId }, ctx) => {
  const [gone] = await ctx.db.delete(invitations).where(and(eq(invitations.id, invitationId), eq(invitations.workspaceId, ctx.workspaceId))).returning();
  if (!gone) throw new NotFoundError("Invitation");
  await audit(ctx.db, { workspaceId: ctx.workspaceId, actor: ctx.actor, action: "member.invitation_revoked", target: { type: "member", name: gone.email } });
  revalidatePath("/settings/members");
  return { invitationId };
});

/** A one-time password reset link for a member, to hand over when no SMTP is configured (emailed as well when it is). */
export const issueResetLink = workspaceAction("manageMembers", z.object({ userId: z.string().min(1) }), async ({ userId }, ctx) => {
  const member = await otherMember(ctx, userId);
  issuedResetLinks.delete(member.email);
  await getAuth().api.requestPasswordReset({ body: { email: member.email, redirectTo: `${appUrl()}/reset-password` } });
  const link = issuedResetLinks.get(member.email);
  if (!link) throw new PublicError("The reset link could not be made");
  await audit(ctx.db, { workspaceId: ctx.workspaceId, actor: ctx.actor, action: "member.reset_link_issued", target: { type: "member", id: userId, name: member.email } });
  return { link, emailed: smtpConfigured() };
});

/** Lifts the sign-in lock of any member (the owner's too) after too many failed passwords. */
export const unlockMember = workspaceAction("manageMembers", z.object({ userId: z.string().min(1) }), async ({ userId }, ctx) => {
  const [member] = await ctx.db
    .select({ email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.workspaceId, ctx.workspaceId), eq(memberships.userId, userId)));
  if (!member) throw new NotFoundError("Member");
  await liftSignInLock(ctx.db, member.email);
  await audit(ctx.db, { workspaceId: ctx.workspaceId, actor: ctx.actor, action: "member.unlocked", target: { type: "member", id: userId, name: member.email } });
  revalidatePath("/settings/members");
  return { userId };
});
