import "server-only";
import { asc, eq } from "drizzle-orm";
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { type Db, getDb } from "@/lib/db/client";
import { memberships, type Role, users, workspaces } from "@/lib/db/schema";
import { PublicError } from "@/lib/errors";
import { can, type Permission } from "./permissions";
import { getAuth } from "./server";

export type Member = { db: Db; userId: string; email: string; name: string; workspaceId: string; workspaceName: string; role: Role };

class SignInRequired extends PublicError {
  constructor() {
    super("Sign in to continue", { status: 401 });
  }
}

class NotAllowed extends PublicError {
  constructor(role: Role) {
    super(`Your role (${role}) does not allow this`, { status: 403 });
  }
}

/** The signed-in user's membership: their first workspace. */
export const currentMember = cache(async (): Promise<Member | null> => {
  // Reading the request first makes every page that needs a member render per request (never at build time).
  const requestHeaders = await headers();
  const session = await getAuth().api.getSession({ headers: requestHeaders });
  if (!session) return null;
  const db = getDb();
  const [row] = await db
    .select({ workspaceId: memberships.workspaceId, role: memberships.role, workspaceName: workspaces.name })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(eq(memberships.userId, session.user.id))
    .orderBy(asc(memberships.createdAt))
    .limit(1);
  if (!row) return null;
  return { db, userId: session.user.id, email: session.user.email, name: session.user.name, ...row };
});

/** For actions and code called by them: the member, allowed to do `permission`, or a PublicError. */
export async function requireMember(permission: Permission): Promise<Member> {
  const member = await currentMember();
  if (!member) throw new SignInRequired();
  if (!can(member.role, permission)) throw new NotAllowed(member.role);
  return member;
}

/** For pages: sign-in (or first-run setup) when signed out, 403 when the role does not allow the page. */
export async function requirePageMember(permission: Permission = "view"): Promise<Member> {
  const member = await currentMember();
  if (!member) redirect((await hasUsers(getDb())) ? "/sign-in" : "/setup");
  if (!can(member.role, permission)) forbidden();
  return member;
}

export async function hasUsers(db: Db): Promise<boolean> {
  return (await db.select({ id: users.id }).from(users).limit(1)).length > 0;
}

