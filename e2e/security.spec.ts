import { expect, type Page, test } from "@playwright/test";
import { queryAppDatabase } from "./database";
import { OWNER } from "./owner";
import { actions, callAction, PUBLIC_PAGES, PUBLIC_ROUTES, pages, routes } from "./routes";

const FORGED_COOKIE = { cookie: "better-auth.session_token=forged.session" };
const VIEWER = { name: "Vic Viewer", email: `viewer-${Date.now()}@example.com`, password: "viewer password 123" };
const PUBLIC_ACTIONS = ["lib/actions/auth/setup.ts#setup", "lib/actions/auth/accept-invitation.ts#accept"];
const ADMIN_PAGES = ["/settings/members", "/settings/notifications", "/settings/api-keys", "/settings/audit"];
const EDITOR_PAGES = ["/datasets/new", "/datasets/import", "/syncs/new", "/sources/new"];
/** Reads a viewer may make (the dashboard's polling, a run's record log …): every other action changes something. */
const isRead = (action: { name: string }) => /#load[A-Z]/.test(action.name);

test.describe("signed out", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("every page sends the visitor to sign in, every API route answers 401, every action is refused", async ({ request }) => {
    expect(pages.length).toBeGreaterThan(10);
    for (const path of pages.filter((p) => !PUBLIC_PAGES.includes(p))) {
      const response = await request.get(path, { maxRedirects: 0 });
      expect(response.status(), path).toBe(307);
      expect(response.headers().location, path).toMatch(/^\/sign-in/);
      // A cookie that merely looks like a session gets past the fast check, not past the page's own.
      const forged = await request.get(path, { maxRedirects: 0, headers: FORGED_COOKIE });
      expect(forged.status(), `${path} with a forged cookie`).toBe(307);
    }
    for (const path of routes.filter((r) => !PUBLIC_ROUTES.includes(r))) {
      const statuses = await Promise.all(["GET", "POST", "PATCH", "DELETE"].map(async (method) => (await request.fetch(path, { method, data: {}, maxRedirects: 0 })).status()));
      expect(statuses.every((s) => s === 401 || s === 405), `${path}: ${statuses}`).toBe(true);
      expect(statuses, path).toContain(401);
    }
    expect(actions.length).toBeGreaterThan(5);
    for (const action of actions) {
      const result = await callAction(request, action, [{}], FORGED_COOKIE);
      if (PUBLIC_ACTIONS.includes(action.name)) expect(result.body, action.name).toMatch(/"ok":false/);
      else expect(result.body, action.name).toContain('"error":"Sign in to continue"');
      expect(result.body, action.name).not.toContain('"ok":true');
    }
  });

  test("the health status is public and bare: the database and the launcher's job executor", async ({ request }) => {
    const response = await request.get("/api/health");
    expect(response.status()).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", database: { status: "ok" }, executor: { status: "ok" } });
  });

  test("first-run setup cannot be run again once the owner exists", async ({ request }) => {
    const setup = actions.find((a) => a.name.endsWith("#setup"))!;
    const result = await callAction(request, setup, [{ name: "Mallory", email: "mallory@example.com", password: "mallory password", workspaceName: "Mine" }]);
    expect(result.body).toContain("Relay is already set up: sign in instead");
    expect(await queryAppDatabase("SELECT 1 FROM users WHERE email = 'mallory@example.com'")).toEqual([]);
  });
});

async function inviteViewer(page: Page, email = VIEWER.email) {
  await page.goto("/settings/members");
  await page.getByLabel("Invite by email").fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption("viewer");
  await page.getByRole("button", { name: "Invite" }).click();
  const link = await page.getByTestId("shown-link").textContent();
  expect(link).toMatch(/\/invite\/[\w-]+$/);
  return link!;
}

test("the owner invites a viewer, who can look but not change anything", async ({ page, browser }) => {
  const link = await inviteViewer(page);
  const viewerContext = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const viewer = await viewerContext.newPage();
  await viewer.goto(link);
  await viewer.getByLabel("Your name").fill(VIEWER.name);
  await viewer.getByLabel(/^Password/).fill(VIEWER.password);
  await viewer.getByRole("button", { name: "Create my account and join" }).click();
  await expect(viewer).toHaveURL(/\/datasets$/);
  await expect(viewer.getByText(`${OWNER.workspace} · viewer`)).toBeVisible();
  await expect(viewer.getByRole("link", { name: "Contacts", exact: true })).toBeVisible();
  await expect(viewer.getByRole("link", { name: "New dataset" })).toHaveCount(0);
  await expect(viewer.getByRole("link", { name: "Import CSV" })).toHaveCount(0);
  await viewer.goto("/settings");
  await expect(viewer.getByRole("navigation", { name: "Settings" }).getByRole("link")).toHaveText(["Workspace"]);

  for (const path of [...ADMIN_PAGES, ...EDITOR_PAGES]) expect((await viewer.request.get(path)).status(), path).toBe(403);
  for (const path of ["/dashboard", "/syncs", "/datasets", "/sources", "/settings"]) expect((await viewer.request.get(path)).status(), path).toBe(200);
  await viewer.goto("/dashboard");
  await expect(viewer.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await expect(viewer.getByRole("button", { name: /^Run .* now$/ })).toHaveCount(0);
  await expect(viewer.getByRole("link", { name: "Add sync" })).toHaveCount(0);
  await viewer.goto("/sources");
  await expect(viewer.getByRole("heading", { name: "Sources" })).toBeVisible();
  await expect(viewer.getByRole("link", { name: "Add import" })).toHaveCount(0);
  await expect(viewer.getByRole("button", { name: /as a source$/ })).toHaveCount(0);

  const name = `Forged ${Date.now()}`;
  for (const action of actions.filter((a) => !PUBLIC_ACTIONS.includes(a.name))) {
    const args = action.name.endsWith("#createDataset") ? [{ name, definition: { baseEntity: "contacts" } }] : [{}];
    const result = await callAction(viewer.request, action, args);
    if (isRead(action)) expect(result.body, action.name).not.toContain("does not allow this");
    else expect(result.body, action.name).toContain('"error":"Your role (viewer) does not allow this"');
  }
  expect(await queryAppDatabase("SELECT 1 FROM datasets WHERE name = $1", [name])).toEqual([]);
  await viewerContext.close();

  await page.goto("/settings/audit");
  await expect(page.getByRole("table", { name: "Audit log" })).toContainText("Invited a member");
  await expect(page.getByRole("table", { name: "Audit log" })).toContainText(VIEWER.email);
});

test("API keys are made in Settings and shown once; connection secrets never leave the server", async ({ page, request }) => {
  await page.goto("/settings/api-keys");
  await page.getByLabel("New key").fill(`E2E ${Date.now()}`);
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByTestId("new-api-key").textContent())!;
  expect(key).toMatch(/^rly_[A-Za-z0-9]{40}$/);
  await page.reload();
  expect(await page.content()).not.toContain(key);

  const secret = `pw-${Date.now()}-never-shown`;
  const headers = { authorization: `Bearer ${key}` };
  const created = await request.post("/api/v1/connections", { headers, data: { connector: "postgres", name: `Secret test ${Date.now()}`, settings: { host: "db.example.com", database: "crm", user: "relay" }, secrets: { password: secret } } });
  expect(created.status()).toBe(201);
  const id = (await created.json()).data.id;
  for (const path of ["/api/v1/connections", `/api/v1/connections/${id}`]) expect(await (await request.get(path, { headers })).text(), path).not.toContain(secret);
  for (const path of ["/dashboard", "/datasets", "/connections", "/settings", "/settings/audit"]) {
    await page.goto(path);
    expect(await page.content(), path).not.toContain(secret);
  }
  const [row] = await queryAppDatabase<{ secrets: string }>("SELECT secrets FROM connections WHERE id = $1", [id]);
  expect(row!.secrets).toMatch(/^v1\.[0-9a-f]{8}\./);
  expect(row!.secrets).not.toContain(secret);
});

test.describe("passwords", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("are stored only as slow hashes", async () => {
    const [stored] = await queryAppDatabase<{ password: string }>("SELECT a.password FROM accounts a JOIN users u ON u.id = a.user_id WHERE u.email = $1", [OWNER.email]);
    expect(stored!.password).not.toContain(OWNER.password);
    expect(stored!.password).toMatch(/^[0-9a-f]{32}:[0-9a-f]{128}$/);
  });

  test("nobody signs themselves up", async ({ request, baseURL }) => {
    const email = `stranger-${Date.now()}@example.com`;
    const response = await request.post("/api/auth/sign-up/email", { data: { name: "Stranger", email, password: "a long enough password" }, headers: { origin: baseURL! } });
    expect(response.status()).toBe(400);
    expect(await queryAppDatabase("SELECT 1 FROM users WHERE email = $1", [email])).toEqual([]);
  });
});

test("ten wrong passwords from ten different X-Forwarded-For addresses lock the account until an admin unlocks it", async ({ page, browser, playwright, baseURL }) => {
  const member = { email: `locked-${Date.now()}@example.com`, password: "member password 123" };
  const invited = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const invitee = await invited.newPage();
  await invitee.goto(await inviteViewer(page, member.email));
  await invitee.getByLabel("Your name").fill("Lou Locked");
  await invitee.getByLabel(/^Password/).fill(member.password);
  await invitee.getByRole("button", { name: "Create my account and join" }).click();
  await expect(invitee).toHaveURL(/\/datasets$/);
  await invited.close();

  const stranger = await playwright.request.newContext({ baseURL });
  const signIn = async (password: string, ip: string) =>
    (await stranger.post("/api/auth/sign-in/email", { data: { email: member.email, password }, headers: { origin: baseURL!, "x-forwarded-for": ip } })).status();
  const statuses: number[] = [];
  for (let i = 1; i <= 10; i++) statuses.push(await signIn(`guess ${i}`, `203.0.113.${i}`));
  expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
  expect(await signIn(member.password, "198.51.100.1")).toBe(429);

  await page.goto("/settings/members");
  const row = page.getByRole("row").filter({ hasText: member.email });
  await expect(row.getByText(/sign-in locked until/)).toBeVisible();
  await row.getByRole("button", { name: "Unlock sign-in" }).click();
  await expect(row.getByText(/sign-in locked until/)).toHaveCount(0);
  expect(await signIn(member.password, "198.51.100.1")).toBe(200);
  await stranger.dispose();
});
