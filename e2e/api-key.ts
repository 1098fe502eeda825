import { execFileSync } from "node:child_process";

/** A workspace API key made with `npm run apikey:create` while the app runs, as an operator would. */
export function createApiKeyWithCli(): string {
  const output = execFileSync("npm", ["run", "--silent", "apikey:create", "--", "--name", "e2e"], {
    env: { ...process.env, DATA_DIR: ".data/e2e", DATABASE_URL: "" },
    encoding: "utf8",
  });
  const key = output.match(/rly_[A-Za-z0-9]{40}/)?.[0];
  if (!key) throw new Error(`apikey:create printed no key:\n${output}`);
  return key;
}
