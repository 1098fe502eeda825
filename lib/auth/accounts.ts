import "server-only";
import crypto from "node:crypto";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { getDefaultWorkspace } from "@/lib/db/queries/workspaces";
import { invitations, memberships, type Role, users, workspaces } from "@/lib/db/schema";
import { appUrl } from "@/lib/env";
import { PublicError } from "@/lib/errors";
import type { Auth } from "./server";

const SETUP_LOCK = 72_431_003;
export const hashToken = (token: string) => crypto.createHash("sha256").update(token).digest("hex");

/** First run: the owner account and the workspace (the demo workspace, renamed), once only. */
export async function setupOwner(db: Db, auth: Auth, p: { name: string; email: string; password: string; workspaceName: string; headers: Headers }) {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${SETUP_LOCK})`);
    if ((await tx.select({ id: users.id }).from(users).limit(1)).length) throw new PublicError("Relay is already set up: sign in instead", { status: 409 });
    const { user } = await auth.api.signUpEmail({ body: { name: p.name, email: p.email, password: p.password }, headers: p.headers });
    const workspace = await getDefaultWorkspace(tx);
    await tx.update(workspaces).set({ name: p.workspaceName }).where(eq(workspaces.id, workspace.id));
    await tx.insert(memberships).values({ workspaceId: workspace.id, userId: user.id, role: "admin", owner: true });
    return { workspaceId: workspace.id, userId: user.id };
  });
}

/** An invitation link for `email` with `role`, valid 7 days; the token is shown once and only its hash is kept. */
export async function createInvitation(db: Db, p: { workspaceId: string; email: string; role: Role; invitedBy: string }) {
  const token = crypto.randomBytes(24).toString("base64url");
  await db.insert(invitations).values({ workspaceId: p.workspaceId, email: p.email.toLowerCase(), role: p.role, tokenHash: hashToken(token), invitedBy: p.invitedBy, expiresAt: new Date(Date.now() + 7 * 86_400_000) });
  return `${appUrl()}/invite/${token}`;
}

export async function findInvitation(db: Db, token: string) {
  const [invitation] = await db
    .select({ id: invitations.id, email: invitations.email, role: invitations.role, workspaceId: invitations.workspaceId, workspaceName: workspaces.name })
    .from(invitations)
    .innerJoin(workspaces, eq(workspaces.id, invitations.workspaceId))
    .where(and(eq(invitations.tokenHash, hashToken(token)), isNull(invitations.acceptedAt), gt(invitations.expiresAt, new Date())));
  return invitation;
}

/** Joins the invitation's workspace: signs the invitee up when they have no account yet. */
export async function acceptInvitation(db: Db, auth: Auth, p: { token: string; name?: string; password?: string; headers: Headers }) {
  const invitation = await findInvitation(db, p.token);
  if (!invitation) throw new PublicError("This invitation link is invalid, used or expired: ask for a new one", { status: 404 });
  const session = await auth.api.getSession({ headers: p.headers });
  let userId = session?.user.email.toLowerCase() === invitation.email ? session.user.id : undefined;
  if (!userId) {
    if ((await db.select({ id: users.id }).from(users).where(eq(users.email, invitation.email))).length)
      throw new PublicError(`An account for ${invitation.email} exists: sign in with it, then open the link again`, { status: 409 });
    if (!p.name || !p.password) throw new PublicError("Enter your name and a password", { status: 422 });
    userId = (await auth.api.signUpEmail({ body: { name: p.name, email: invitation.email, password: p.password }, headers: p.headers })).user.id;
  }
  await db.transaction(async (tx) => {
    await tx.insert(memberships).values({ workspaceId: invitation.workspaceId, userId: userId!, role: invitation.role }).onConflictDoUpdate({ target: [memberships.workspaceId, memberships.userId], set: { role: invitation.role } });
    await tx.update(invitations).set({ acceptedAt: new Date() }).where(eq(invitations.id, invitation.id));
  });
  return { workspaceId: invitation.workspaceId };
}
