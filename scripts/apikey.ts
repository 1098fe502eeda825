/**
 * `npm run apikey:create -- [--name <name>] [--workspace <slug>]` prints a new workspace API key.
 * `npm run apikey:revoke -- <id or prefix>` revokes one. Works while the app runs (reusing its database)
 * or while it is stopped (starting the embedded one for the command).
 */
import { asc } from "drizzle-orm";
import { createApiKey, revokeApiKey } from "@/lib/db/queries/api-keys";
import { getDefaultWorkspace } from "@/lib/db/queries/workspaces";
import { workspaces } from "@/lib/db/schema";
import { runCli, withDatabase } from "./with-database";

const [command, ...args] = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};

runCli(() =>
  withDatabase(async ({ db }) => {
    if (command === "revoke") {
      const target = args.find((a) => !a.startsWith("--"));
      if (!target) throw new Error("usage: npm run apikey:revoke -- <key id or prefix>");
      const revoked = await revokeApiKey(db, { idOrPrefix: target });
      console.log(`Revoked the API key "${revoked.name}" (${revoked.prefix}…).`);
      return;
    }
    const all = await db.select().from(workspaces).orderBy(asc(workspaces.createdAt));
    const slug = option("workspace");
    const workspace = slug ? all.find((w) => w.slug === slug) : all.length > 1 ? undefined : await getDefaultWorkspace(db);
    if (!workspace)
      throw new Error(
        slug ? `No workspace "${slug}". Workspaces: ${all.map((w) => w.slug).join(", ")}` : `There are several workspaces: name one with --workspace <slug> (${all.map((w) => w.slug).join(", ")})`,
      );
    const { key, apiKey } = await createApiKey(db, { workspaceId: workspace.id, name: option("name") ?? "CLI key" });
    console.log(`API key "${apiKey.name}" for workspace "${workspace.name}" (${workspace.slug}). It is shown only this once:\n\n${key}\n`);
  }),
);
