import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceptInvitation, createInvitation, setupOwner } from "@/lib/auth/accounts";
import { countSignInAttempt, liftSignInLock } from "@/lib/auth/sign-in-guard";
import { type Auth, createAuth } from "@/lib/auth/server";
import type { Db } from "@/lib/db/client";
import { authEndpoints } from "@/test/auth";
import { freshDatabase } from "@/test/fresh-database";

let fresh: Awaited<ReturnType<typeof freshDatabase>>;
let db: Db;
let auth: Auth;
let invite: (email: string) => Promise<void>;
const PASSWORD = "the right long password";

beforeAll(async () => {
  fresh = await freshDatabase();
  db = fresh.db;
  auth = createAuth(db);
  const { workspaceId, userId } = await setupOwner(db, auth, { name: "Olive", email: "olive@example.com", password: "olive's long password", workspaceName: "Acme", headers: new Headers() });
  invite = async (email) => {
    const link = await createInvitation(db, { workspaceId, email, role: "viewer", invitedBy: userId });
    await acceptInvitation(db, auth, { token: link.split("/invite/")[1]!, name: email, password: PASSWORD, headers: new Headers() });
  };
});
afterAll(() => fresh?.close());

const signIn = (email: string, password: string, headers: Record<string, string> = {}, on = auth) => authEndpoints(on)("/sign-in/email", { email, password }, headers);

describe("the sign-in limit cannot be bypassed", () => {
  it("ten wrong passwords from ten different X-Forwarded-For addresses end in 429, and then even the right one waits", async () => {
    await invite("victim@example.com");
    const statuses: number[] = [];
    for (let i = 1; i <= 10; i++) statuses.push((await signIn("victim@example.com", `guess ${i}`, { "x-forwarded-for": `203.0.113.${i}` })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
    const locked = await signIn("Victim@Example.com", PASSWORD, { "x-forwarded-for": "198.51.100.1" });
    expect(locked).toEqual({ status: 429, body: expect.objectContaining({ message: "Too many failed sign-ins for this account: try again in 15 minutes, or ask an admin to unlock it" }) });
  });

  it("an admin lifts the lock; a good sign-in clears the count", async () => {
    await invite("forgetful@example.com");
    for (let i = 1; i <= 5; i++) await signIn("forgetful@example.com", `guess ${i}`);
    expect((await signIn("forgetful@example.com", PASSWORD)).status).toBe(429);
    await liftSignInLock(db, "Forgetful@example.com");
    expect((await signIn("forgetful@example.com", PASSWORD)).status).toBe(200);
    for (let i = 1; i <= 4; i++) expect((await signIn("forgetful@example.com", `guess ${i}`)).status).toBe(401);
    expect((await signIn("forgetful@example.com", PASSWORD)).status).toBe(200);
    expect((await signIn("forgetful@example.com", "guess 5")).status).toBe(401);
  });

  it("each further lock-out lasts twice as long, up to a day; an email without an account is counted the same", async () => {
    let at = new Date("2030-01-01T00:00:00Z");
    const later = (minutes: number) => new Date(at.getTime() + minutes * 60_000);
    for (const minutes of [15, 30, 60, 120, 240, 480, 960, 1440, 1440]) {
      for (let i = 0; i < 5; i++) expect(await countSignInAttempt(db, "nobody@example.com", at)).toBeUndefined();
      expect(await countSignInAttempt(db, "nobody@example.com", later(1))).toEqual(later(minutes));
      at = later(minutes);
    }
  });

  it("limits per client address only by a header the operator trusts (TRUSTED_PROXY_HEADERS)", async () => {
    const behindProxy = createAuth(db, { trustedProxyHeaders: ["x-real-ip"] });
    const from = (ip: string, n: number) => signIn(`stranger${n}@example.com`, "guess", { "x-real-ip": ip, "x-forwarded-for": `192.0.2.${n}` }, behindProxy);
    for (let n = 1; n <= 5; n++) expect((await from("198.51.100.7", n)).status).toBe(401);
    expect((await from("198.51.100.7", 6)).status).toBe(429);
    expect((await from("198.51.100.8", 7)).status).toBe(401);
  });
});
