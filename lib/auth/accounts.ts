import "server-only";
import crypto from "node:crypto";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { getDefaultWorkspace } from "@/lib/db/queries/workspaces";
import { accounts, invitations, memberships, type Role, users, workspaces } from "@/lib/db/schema";
import { appUrl } from "@/lib/env";
import { PublicError } from "@/lib/errors";
import type { Auth } from "./server";

const SETUP_LOCK = 72_431_003;
const hashToken = (token: string) => crypto.createHash("sha256").update(token).digest("hex");

type NewUser = { name: string; email: string; password: string };

/**
 * Creates a user with a password inside the caller's transaction. Sign-up over HTTP is switched off, so
 * this (first-run setup, an accepted invitation) is the only way an account comes to be.
 */
async function insertUser(tx: Db, auth: Auth, p: NewUser) {
  const { password } = await auth.$context;
  const [user] = await tx.insert(users).values({ id: crypto.randomUUID(), name: p.name, email: p.email.toLowerCase() }).returning({ id: users.id });
  await tx.insert(accounts).values({ id: crypto.randomUUID(), accountId: user!.id, providerId: "credential", userId: user!.id, password: await password.hash(p.password) });
  return user!.id;
}

/** Signs the new user in: better-auth sets the session cookie on the current response. */
const signIn = (auth: Auth, p: NewUser & { headers: Headers }) => auth.api.signInEmail({ body: { email: p.email.toLowerCase(), password: p.password }, headers: p.headers });

/** First run: the owner account and the workspace (the demo workspace, renamed), once only. */
export async function setupOwner(db: Db, auth: Auth, p: NewUser & { workspaceName: string; headers: Headers }) {
  const owner = await db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${SETUP_LOCK})`);
    if ((await tx.select({ id: users.id }).from(users).limit(1)).length) throw new PublicError("Relay is already set up: sign in instead", { status: 409 });
    const userId = await insertUser(tx, auth, p);
    const workspace = await getDefaultWorkspace(tx);
    await tx.update(workspaces).set({ name: p.workspaceName }).where(eq(workspaces.id, workspace.id));
    await tx.insert(memberships).values({ workspaceId: workspace.id, userId, role: "admin", owner: true });
    return { workspaceId: workspace.id, userId };
  });
  await signIn(auth, p);
  return owner;
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
  const signedIn = session?.user.email.toLowerCase() === invitation.email ? session.user.id : undefined;
  const newUser = signedIn ? undefined : await newInvitee(db, invitation.email, p);
  await db.transaction(async (tx) => {
    const userId = signedIn ?? (await insertUser(tx, auth, newUser!));
    await tx.insert(memberships).values({ workspaceId: invitation.workspaceId, userId, role: invitation.role }).onConflictDoUpdate({ target: [memberships.workspaceId, memberships.userId], set: { role: invitation.role } });
    await tx.update(invitations).set({ acceptedAt: new Date() }).where(eq(invitations.id, invitation.id));
  });
  if (newUser) await signIn(auth, { ...newUser, headers: p.headers });
  return { workspaceId: invitation.workspaceId };
}

/** The account an invitee without one is about to get, or why they cannot. */
async function newInvitee(db: Db, email: string, p: { name?: string; password?: string }): Promise<NewUser> {
  if ((await db.select({ id: users.id }).from(users).where(eq(users.email, email))).length)
    throw new PublicError(`An account for ${email} exists: sign in with it, then open the link again`, { status: 409 });
  if (!p.name || !p.password) throw new PublicError("Enter your name and a password", { status: 422 });
  return { name: p.name, email, password: p.password };
}
