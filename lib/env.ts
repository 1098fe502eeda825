import { z } from "zod";

const optionalText = z.preprocess((v) => (v === "" ? undefined : v), z.string().optional());

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: optionalText.pipe(
    z.string().regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgres:// or postgresql:// URL").optional(),
  ),
  DATABASE_DRIVER: z.preprocess((v) => (v === "" ? undefined : v), z.enum(["pg", "neon"]).optional()),
  DATA_DIR: optionalText.transform((v) => v ?? ".data"),
  PORT: z.coerce.number().int().positive().default(3000),
  /** Where users reach the app; links in emails and sign-in origin checks use it. */
  APP_URL: optionalText.pipe(z.url("APP_URL must be a URL such as https://relay.example.com").optional()),
  /** Signs sessions; generated into the data folder when unset. */
  BETTER_AUTH_SECRET: optionalText.pipe(z.string().min(32, "BETTER_AUTH_SECRET must be at least 32 characters").optional()),
  /** Request headers a reverse proxy sets to the client's address (e.g. x-real-ip); none are trusted unless named. */
  TRUSTED_PROXY_HEADERS: optionalText
    .transform((v) => (v ?? "").split(",").map((h) => h.trim().toLowerCase()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[a-z0-9-]+$/, "TRUSTED_PROXY_HEADERS must be header names separated by commas, such as x-real-ip"))),
  /** Lets HTTP destinations and webhooks point at private, loopback and link-local addresses. */
  ALLOW_PRIVATE_NETWORK: z.enum(["true", "false"]).default("false").transform((v) => v === "true"),
  SMTP_URL: optionalText,
  SMTP_HOST: optionalText,
  SMTP_PORT: z.coerce.number().int().positive().optional(),
  SMTP_USER: optionalText,
  SMTP_PASSWORD: optionalText,
  SMTP_FROM: optionalText.transform((v) => v ?? "Relay <relay@localhost>"),
  APP_ENCRYPTION_KEY: optionalText.pipe(
    z.string().regex(/^([0-9a-f]{64}|[A-Za-z0-9+/]{43}=)$/i, "APP_ENCRYPTION_KEY must be 32 bytes as 64 hex characters or base64").optional(),
  ),
  APP_ENCRYPTION_KEY_PREVIOUS: optionalText,
  /** Waits between technical retries of one request to a destination. */
  SYNC_RETRY_DELAYS_MS: optionalText.transform((v) => (v ?? "3000,5000,10000").split(",").map(Number)).pipe(z.array(z.number().int().min(0)).min(1)),
  /** Multiplies retry waits (tests run with a small factor). */
  SYNC_TIME_SCALE: z.coerce.number().positive().default(1),
  /** An incremental sync plans in full (re-reading every row) at least this often; 0: every run plans in full. */
  SYNC_FULL_PLAN_HOURS: z.coerce.number().min(0).default(24),
  RECORD_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
  /** A real-time sync's run starts once its rows stop changing for this long (a micro-batch window)… */
  REALTIME_WINDOW_MS: z.coerce.number().int().min(100, "REALTIME_WINDOW_MS must be at least 100").max(60_000, "REALTIME_WINDOW_MS must be at most 60000").default(500),
  /** …or at the latest this long after the first change of the batch, however busy the entity. */
  REALTIME_MAX_WAIT_MS: z.coerce.number().int().min(100, "REALTIME_MAX_WAIT_MS must be at least 100").max(600_000, "REALTIME_MAX_WAIT_MS must be at most 600000").default(2_000),
  INNGEST_SIGNING_KEY: optionalText.pipe(
    z.string().regex(/^signkey-[\w]+-[0-9a-f]+$/i, "INNGEST_SIGNING_KEY must look like signkey-<env>-<hex>, as Inngest issues it").optional(),
  ),
  INNGEST_EVENT_KEY: optionalText,
  INNGEST_BASE_URL: optionalText.pipe(z.url("INNGEST_BASE_URL must be a URL").optional()),
  /** Set by `npm run dev` / `npm start` for Next: the local executor, whose health /api/health reports. */
  RELAY_EXECUTOR_URL: optionalText.pipe(z.url().optional()),
  /** Where Inngest (or the local executor) calls the serve route, when not at APP_URL (e.g. an internal address). */
  INNGEST_SERVE_ORIGIN: optionalText.pipe(z.url("INNGEST_SERVE_ORIGIN must be a URL such as http://10.0.0.5:3000").optional()),
});

const checkedEnvSchema = envSchema.refine((e) => e.REALTIME_MAX_WAIT_MS >= e.REALTIME_WINDOW_MS, {
  path: ["REALTIME_MAX_WAIT_MS"],
  message: "REALTIME_MAX_WAIT_MS must be at least REALTIME_WINDOW_MS",
});

export type Env = z.infer<typeof checkedEnvSchema>;

export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = checkedEnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Invalid environment:\n${problems}`);
  }
  return parsed.data;
}

export const env = parseEnv(process.env);

export const appUrl = () => env.APP_URL ?? `http://localhost:${env.PORT}`;

/** The origin the job runtime reaches /api/inngest at: configured, never taken from a request's Host header. */
export const inngestServeOrigin = () => new URL(env.INNGEST_SERVE_ORIGIN ?? appUrl()).origin;
