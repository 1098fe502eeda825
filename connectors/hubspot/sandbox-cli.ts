/**
 * Starts the HubSpot sandbox on a fixed port and prints its URL and token, for the e2e builder spec or a
 * manual try: `npx tsx connectors/hubspot/sandbox-cli.ts --port 4010 [--token T]`. Stops on Ctrl-C / SIGTERM.
 */
import { startHubspotSandbox } from "./sandbox";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
};

const port = Number(arg("port") ?? process.env.HUBSPOT_SANDBOX_PORT ?? 4010);
if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be a port number, not ${arg("port")}`);
const sandbox = await startHubspotSandbox({ port, token: arg("token") });
console.log(`HubSpot sandbox: ${sandbox.url}`);
console.log(`token: ${sandbox.token}`);

const stop = () => void sandbox.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
