/** Every page, API route and server action of the production build, read from Next's manifests (not a hand-kept list). */
import fs from "node:fs";

const SAMPLE: Record<string, string> = { id: "00000000-0000-4000-8000-000000000000", token: "no-such-invitation", entity: "contacts", object: "customers", all: "session" };

export const toUrl = (template: string) =>
  template
    .replace(/\/\([^)]+\)/g, "")
    .replace(/\/(page|route)$/, "")
    .replace(/\[\.\.\.(\w+)\]/g, (_m, name: string) => SAMPLE[name] ?? "x")
    .replace(/\[(\w+)\]/g, (_m, name: string) => SAMPLE[name] ?? "x") || "/";

const appPaths = Object.keys(JSON.parse(fs.readFileSync(".next/server/app-paths-manifest.json", "utf8")) as Record<string, string>);

/** Pages a signed-out visitor may open. Anything else must send them to sign in. */
export const PUBLIC_PAGES = ["/sign-in", "/setup", "/forgot-password", "/reset-password", `/invite/${SAMPLE.token}`, "/_not-found", "/_global-error"];
/** Routes with their own guard: better-auth's endpoints, the public OpenAPI document and health statuses. /api/inngest checks signatures. */
export const PUBLIC_ROUTES = [`/api/auth/${SAMPLE.all}`, "/api/v1/openapi.json", "/api/health"];

export const pages = appPaths.filter((p) => p.endsWith("/page")).map(toUrl);
export const routes = appPaths.filter((p) => p.endsWith("/route")).map(toUrl);

type ActionEntry = { workers: Record<string, unknown>; filename: string; exportedName: string };
const actionManifest = JSON.parse(fs.readFileSync(".next/server/server-reference-manifest.json", "utf8")) as { node: Record<string, ActionEntry> };

/** Each server action with a page that serves it (actions are posted to a page that includes them). */
export const actions = Object.entries(actionManifest.node).map(([id, a]) => ({
  id,
  name: `${a.filename}#${a.exportedName}`,
  page: toUrl(`/${Object.keys(a.workers)[0]!.replace(/^app\//, "")}`),
}));

/** Calls a server action the way the browser does, with `args` as its arguments. */
export async function callAction(request: import("@playwright/test").APIRequestContext, action: (typeof actions)[number], args: unknown[], headers: Record<string, string> = {}) {
  const response = await request.post(action.page, {
    headers: { "next-action": action.id, accept: "text/x-component", "content-type": "text/plain;charset=UTF-8", ...headers },
    data: JSON.stringify(args),
    maxRedirects: 0,
  });
  return { status: response.status(), location: response.headers().location, body: await response.text() };
}
