/**
 * The local executor: an Inngest-protocol server for one app, for machines where the Inngest dev server
 * cannot be installed. It registers the app's functions, takes events, and drives runs through the app's
 * serve route with signed requests, keeping all state in the app database so runs survive restarts.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Cron } from "croner";
import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { describeError } from "@/lib/log";
import { processCall } from "./calls";
import type { ExecutorContext, RegisteredFunction } from "./context";
import { emit, EventRejected, ingestEvents, parseEvents } from "./events";
import { checkExpression } from "./expressions";
import { claim, nextDueAt, ownerId, postpone, type QueueItem, releaseDeadOwners, renewLeases } from "./queue";
import { newEffects, resolveStep } from "./runs";
import { type FunctionConfig, inngestCronTicks, inngestFunctions, inngestQueue } from "./schema";
import { hashedSigningKey, safeEqual, signature } from "./signing";

export type ExecutorOptions = {
  db: Db;
  /** The app's serve route, e.g. http://127.0.0.1:3000/api/inngest. */
  appUrl: string;
  signingKey: string;
  eventKey: string;
  host?: string;
  port?: number;
  timeScale?: number;
  /** How many calls to the app may be in flight at once. */
  workers?: number;
  leaseMs?: number;
  pollMs?: number;
  log?: (line: string) => void;
};

const MAX_BODY = 16 * 1024 * 1024;
const QUEUE_MAX_WAIT_MS = 5_000;

export class LocalExecutor {
  readonly ctx: ExecutorContext;
  private readonly owner = ownerId();
  private server?: http.Server;
  private crons: Cron[] = [];
  private inflight = new Map<number, Promise<void>>();
  private running = false;
  private wake?: () => void;
  private loopDone?: Promise<void>;
  private heartbeat?: NodeJS.Timeout;
  /** Since when the queue (the database) has been failing, and how long the loop now waits between tries. */
  private outage?: { since: number; waitMs: number };

  constructor(private readonly options: ExecutorOptions) {
    this.ctx = {
      db: options.db,
      signingKey: options.signingKey,
      timeScale: options.timeScale ?? 1,
      functions: new Map(),
      notify: () => this.wake?.(),
      log: options.log ?? ((line) => console.log(`[executor] ${line}`)),
    };
  }

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://${this.options.host ?? "127.0.0.1"}:${port}`;
  }

  /** Opens the executor's API (register, events); call before the app starts so it can be told the URL. */
  async listen(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(this.options.port ?? 0, this.options.host ?? "127.0.0.1", resolve));
    return this.url;
  }

  /** Loads the functions known from earlier registrations and starts working: resumed runs continue at once. */
  async start(): Promise<void> {
    const known = await this.ctx.db.select().from(inngestFunctions);
    this.useFunctions(known.filter((f) => this.servesUrl(f.url)).map((f) => ({ id: f.id, url: f.url, config: f.config })));
    const freed = await releaseDeadOwners(this.ctx.db);
    if (freed) this.ctx.log(`Resuming work left by ${freed} stopped executor process(es)`);
    this.running = true;
    this.loopDone = this.loop();
    const leaseMs = this.options.leaseMs ?? 30_000;
    this.heartbeat = setInterval(() => void renewLeases(this.ctx.db, this.owner, [...this.inflight.keys()], leaseMs).catch(() => {}), leaseMs / 3);
  }

  /** Asks the app to register its functions (the SDK posts them to /fn/register), retrying until it answers. */
  async syncApp(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = "";
    while (Date.now() < deadline) {
      try {
        const response = await fetch(this.options.appUrl, { method: "PUT", headers: { "x-inngest-signature": signature(this.ctx.signingKey, "") } });
        if (response.ok) return;
        last = `${response.status} ${await response.text()}`;
      } catch (error) {
        last = (error as Error).message;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`The app at ${this.options.appUrl} did not register its functions: ${last}`);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    clearInterval(this.heartbeat);
    this.crons.forEach((c) => c.stop());
    await this.loopDone;
    await Promise.allSettled(this.inflight.values());
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Sends events as `inngest.send` would (used by the executor itself and by tests). */
  async send(events: unknown) {
    return ingestEvents(this.ctx, parseEvents(events));
  }

  private useFunctions(list: RegisteredFunction[]) {
    this.ctx.functions = new Map(list.map((f) => [f.id, f]));
    this.crons.forEach((c) => c.stop());
    this.crons = list.flatMap((fn) =>
      fn.config.triggers
        .filter((t) => t.cron)
        .map((t) => {
          const [, zone, pattern] = t.cron!.match(/^(?:TZ=(\S+)\s+)?(.+)$/)!;
          return new Cron(pattern!, { timezone: zone, protect: true }, (job: Cron) =>
            void this.fireCron(fn, t.cron!, job.currentRun() ?? new Date()).catch((e: Error) => this.ctx.log(`Cron tick of ${fn.id} failed: ${e.message}`)),
          );
        }),
    );
  }

  /** Each fire time starts one run, even with several executors or a restart in the same second. */
  private async fireCron(fn: RegisteredFunction, cron: string, at: Date) {
    const fireAt = new Date(Math.floor(at.getTime() / 1000) * 1000);
    const inserted = await this.ctx.db.insert(inngestCronTicks).values({ functionId: fn.id, fireAt }).onConflictDoNothing().returning();
    const tick = { name: "inngest/scheduled.timer", data: { cron }, id: `cron:${fn.id}:${fireAt.toISOString()}`, ts: fireAt.getTime() };
    if (inserted.length) await ingestEvents(this.ctx, [tick], fn.id);
  }

  /** Whether a URL is the app's serve route: the executor calls nothing else, whatever a registration says. */
  private servesUrl(url: string): boolean {
    if (!URL.canParse(url)) return false;
    const [given, own] = [new URL(url), new URL(this.options.appUrl)];
    return given.origin === own.origin && given.pathname === own.pathname;
  }

  private async register(body: { url?: string; appName?: string; functions?: FunctionConfig[] }) {
    const functions = body.functions ?? [];
    const foreign = [body.url, ...functions.map((f) => f.steps.step?.runtime.url)].map((url) => url ?? "no URL").find((url) => !this.servesUrl(url));
    if (foreign) throw new RegistrationRefused(`This executor takes only registrations for ${this.options.appUrl}; refused one for ${foreign}`);
    for (const f of functions) {
      for (const t of f.triggers ?? []) if (t.expression) checkExpression(t.expression);
      for (const c of f.cancel ?? []) if (c.if) checkExpression(c.if);
    }
    const list = functions.map((config) => ({ id: config.id, url: config.steps.step!.runtime.url, config }));
    await this.ctx.db.transaction(async (tx) => {
      await tx.delete(inngestFunctions).where(eq(inngestFunctions.appId, body.appName ?? ""));
      if (list.length) await tx.insert(inngestFunctions).values(list.map((f) => ({ ...f, appId: body.appName ?? "" })));
    });
    this.useFunctions(list);
    this.ctx.log(`Registered ${list.length} function(s) of ${body.appName}`);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    try {
      const url = new URL(req.url ?? "/", "http://executor");
      const body = await readBody(req);
      if (req.method === "POST" && url.pathname === "/fn/register") {
        const auth = req.headers.authorization ?? "";
        if (!safeEqual(auth, `Bearer ${hashedSigningKey(this.ctx.signingKey)}`)) return reply(401, { status: 401, error: "Unknown signing key" });
        await this.register(JSON.parse(body));
        return reply(200, { status: 200, modified: true });
      }
      const eventPath = url.pathname.match(/^\/e\/([^/]+)$/);
      if (req.method === "POST" && eventPath) {
        if (!safeEqual(eventPath[1]!, this.options.eventKey)) return reply(401, { status: 401, error: "Event key not found" });
        const ids = await this.send(JSON.parse(body));
        return reply(200, { ids, status: 200 });
      }
      if (req.method === "GET" && url.pathname === "/health") {
        const status = this.outage ? 503 : 200;
        return reply(status, { status, functions: this.ctx.functions.size, queue: this.outage ? "unavailable" : "ok" });
      }
      return reply(404, { status: 404, error: "Not found" });
    } catch (error) {
      if (error instanceof EventRejected || error instanceof SyntaxError) return reply(400, { status: 400, error: error.message });
      if (error instanceof RegistrationRefused) {
        this.ctx.log(error.message);
        return reply(403, { status: 403, error: error.message });
      }
      this.ctx.log(`Request failed: ${describeError(error, { stack: true })}`);
      return reply(500, { status: 500, error: (error as Error).message });
    }
  }

  private async loop() {
    const workers = this.options.workers ?? 8;
    const leaseMs = this.options.leaseMs ?? 30_000;
    while (this.running) {
      const free = workers - this.inflight.size;
      let claimed: QueueItem[] = [];
      if (free > 0) claimed = await claim(this.ctx.db, this.owner, [...this.ctx.functions.keys()], free, leaseMs).then((items) => (this.queueAnswered(), items), (error: Error) => (this.queueFailed(error), []));
      for (const item of claimed) {
        const work = this.process(item).finally(() => {
          this.inflight.delete(item.id);
          this.wake?.();
        });
        this.inflight.set(item.id, work);
      }
      if (claimed.length === 0 || this.inflight.size >= workers) {
        const waitMs = this.outage?.waitMs ?? (await this.idleWaitMs(free > 0 && claimed.length === 0));
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, waitMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }

  /** Up to the poll interval, but no later than the next item falls due: a debounced run starts on time. */
  private async idleWaitMs(idle: boolean) {
    const pollMs = this.options.pollMs ?? 200;
    if (!idle) return pollMs;
    const next = await nextDueAt(this.ctx.db, [...this.ctx.functions.keys()]).catch(() => undefined);
    return next ? Math.min(pollMs, Math.max(0, next.getTime() - Date.now())) : pollMs;
  }

  /** A failing queue is said once, then tried again less and less often (up to every 5 s) until it answers. */
  private queueFailed(error: Error) {
    if (!this.outage) this.ctx.log(`Queue unavailable: ${error.message}. Trying again with growing waits (at most 5 s)`);
    const waitMs = Math.min((this.outage?.waitMs ?? this.options.pollMs ?? 200) * 2, QUEUE_MAX_WAIT_MS);
    this.outage = { since: this.outage?.since ?? Date.now(), waitMs };
  }

  private queueAnswered() {
    if (!this.outage) return;
    this.ctx.log(`Queue available again after ${((Date.now() - this.outage.since) / 1000).toFixed(1)} s`);
    this.outage = undefined;
  }

  private async process(item: QueueItem) {
    const fx = newEffects();
    try {
      if (item.kind === "call") await processCall(this.ctx, item, fx);
      else {
        const from = item.kind === "wake" ? "sleeping" : undefined;
        await this.ctx.db.transaction(async (tx) => {
          await tx.delete(inngestQueue).where(eq(inngestQueue.id, item.id));
          if (from) return resolveStep(tx, item.runId, item.stepId, from, { data: null }, fx);
          const waited = await resolveStep(tx, item.runId, item.stepId, "waiting", { data: null }, fx);
          if (!waited) await resolveStep(tx, item.runId, item.stepId, "invoking", { error: { name: "InngestInvokeTimeoutError", message: "Timed out waiting for the invoked function to finish" } }, fx);
        });
      }
      await emit(this.ctx, fx);
    } catch (error) {
      this.ctx.log(`Work on run ${item.runId} failed and will be retried: ${describeError(error, { stack: true })}`);
      // Handing the item back needs the database too: keep trying while it is down, so the run resumes as soon as it is back.
      for (let waitMs = 250; this.running; waitMs = Math.min(waitMs * 2, QUEUE_MAX_WAIT_MS)) {
        if (await postpone(this.ctx.db, item.id, new Date(Date.now() + 1_000)).then(() => true, () => false)) break;
        await new Promise((r) => setTimeout(r, waitMs));
      }
    }
  }
}

class RegistrationRefused extends Error {}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new EventRejected("The request body is larger than 16 MiB"));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

