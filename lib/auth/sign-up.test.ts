import { count, eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { acceptInvitation, createInvitation, setupOwner } from "@/lib/auth/accounts";
import { type Auth, createAuth } from "@/lib/auth/server";
import type { Db } from "@/lib/db/client";
import { memberships, users } from "@/lib/db/schema";
import { authEndpoints } from "@/test/auth";
import { freshDatabase } from "@/test/fresh-database";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A fresh install: an empty, migrated database and the app's auth on it. */
async function freshInstall() {
  const { db, close } = await freshDatabase();
  closers.push(close);
  const auth = createAuth(db);
  return { db, auth, call: authEndpoints(auth) };
}

const OWNER = { name: "Olive Owner", email: "olive@example.com", password: "olive's long password", workspaceName: "Acme" };
const MALLORY = { name: "Mallory", password: "mallory's long password" };
const userCount = async (db: Db) => (await db.select({ n: count() }).from(users))[0]!.n;
const signIn = (auth: Auth, email: string, password: string) => authEndpoints(auth)("/sign-in/email", { email, password });

describe("no open sign-up: accounts come only from first-run setup and invitations", () => {
  it("refuses an anonymous sign-up and creates no account", async () => {
    const { db, call } = await freshInstall();
    const response = await call("/sign-up/email", { ...MALLORY, email: "mallory@example.com" });
    expect(response).toEqual({ status: 400, body: expect.objectContaining({ code: "EMAIL_PASSWORD_SIGN_UP_DISABLED" }) });
    expect(await userCount(db)).toBe(0);
  });

  it("on a fresh install, a stranger's sign-up call cannot lock the owner out of setup", async () => {
    const { db, auth, call } = await freshInstall();
    expect((await call("/sign-up/email", { ...MALLORY, email: "mallory@example.com" })).status).toBe(400);
    const { userId } = await setupOwner(db, auth, { ...OWNER, headers: new Headers() });
    expect(await db.select({ role: memberships.role, owner: memberships.owner }).from(memberships).where(eq(memberships.userId, userId))).toEqual([{ role: "admin", owner: true }]);
    expect((await signIn(auth, OWNER.email, OWNER.password)).status).toBe(200);
    await expect(setupOwner(db, auth, { ...OWNER, email: "second@example.com", headers: new Headers() })).rejects.toThrow("Relay is already set up: sign in instead");
  });

  it("pre-registering an invitee's address cannot block the invitation; the invitee's own password is the one that works", async () => {
    const { db, auth, call } = await freshInstall();
    const { workspaceId, userId } = await setupOwner(db, auth, { ...OWNER, headers: new Headers() });
    const link = await createInvitation(db, { workspaceId, email: "Ivy@Example.com", role: "editor", invitedBy: userId });
    expect((await call("/sign-up/email", { ...MALLORY, email: "ivy@example.com" })).status).toBe(400);
    await acceptInvitation(db, auth, { token: link.split("/invite/")[1]!, name: "Ivy", password: "ivy's own long password", headers: new Headers() });
    const [ivy] = await db.select({ id: users.id, email: users.email }).from(users).where(eq(users.email, "ivy@example.com"));
    expect(await db.select({ role: memberships.role }).from(memberships).where(eq(memberships.userId, ivy!.id))).toEqual([{ role: "editor" }]);
    expect((await signIn(auth, "ivy@example.com", MALLORY.password)).status).toBe(401);
    expect((await signIn(auth, "ivy@example.com", "ivy's own long password")).status).toBe(200);
  });
});
