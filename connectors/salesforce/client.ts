/** Salesforce's REST API: login (client credentials or JWT bearer), calls with the session, describe. */
import "server-only";
import crypto from "node:crypto";
import { joinUrl, tokenCache } from "../shared/api";
import { type ConnectionConfig, type ConnectorContext, DestinationConfigError, type HttpResponse } from "../types";
import { errorText, firstError, salesforceLimits } from "./answers";
import type { SalesforceSecrets, SalesforceSettings } from "./config";

export type SalesforceConnection = ConnectionConfig<SalesforceSettings, SalesforceSecrets>;
export type SalesforceContext = ConnectorContext<SalesforceSettings, SalesforceSecrets>;
type Session = { accessToken: string; instanceUrl: string };

// Salesforce gives no lifetime (the org's session policy, 15 minutes at the least); a 401 asks for a new one anyway.
const SESSION_SECONDS = 15 * 60;
const JWT_SECONDS = 180;

const credentialsKey = ({ settings: s, secrets: k }: SalesforceConnection) =>
  `salesforce:${crypto
    .createHash("sha256")
    .update(JSON.stringify([s.auth, s.myDomainUrl, s.loginUrl, s.clientId, s.username, s.audience, k.clientSecret, k.privateKey]))
    .digest("hex")}`;

/** The JWT bearer assertion: iss = consumer key, sub = username, aud = login host, signed RS256. */
export function signedAssertion(s: SalesforceSettings, privateKey: string, now: number): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const unsigned = `${part({ alg: "RS256" })}.${part({ iss: s.clientId, sub: s.username, aud: s.audience, exp: Math.floor(now / 1000) + JWT_SECONDS })}`;
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey(privateKey);
  } catch (error) {
    throw new DestinationConfigError(`The private key could not be read (${(error as Error).message}): paste the unencrypted PEM key of the connected app's certificate`);
  }
  return `${unsigned}.${crypto.sign("sha256", Buffer.from(unsigned), key).toString("base64url")}`;
}

/** What a refused login means, in terms of the settings to change. */
function loginProblem(s: SalesforceSettings, a: HttpResponse): string {
  const { error = "", error_description: description = "" } = (a.json ?? {}) as { error?: string; error_description?: string };
  const said = error ? `${error}: ${description}` : `HTTP ${a.status}`;
  const hint =
    error === "invalid_client_id"
      ? "Salesforce does not know this consumer key: check the Client ID"
      : error === "invalid_client"
        ? "the consumer key and secret do not match: check the client secret"
        : /approved this consumer/.test(description)
          ? `${s.username ?? "the user"} is not pre-authorized: in the connected app's policies, let admin-approved users in and add the user's profile or permission set`
          : /audience/.test(description)
            ? "check the Audience (login.salesforce.com for production, test.salesforce.com for a sandbox org)"
            : /invalid assertion/.test(description)
              ? "Salesforce could not verify the signed JWT: the private key does not match the certificate on the connected app"
              : /client credentials/.test(description)
                ? "the connected app has no Run As user for the client credentials flow"
                : a.status === 404 || !error
                  ? "check the My Domain URL"
                  : "check the connected app and its credentials";
  return `Salesforce refused the login (${said}): ${hint}`;
}

async function login({ http, connection, clock }: SalesforceContext): Promise<Session> {
  const { settings: s, secrets: k } = connection;
  const form = new URLSearchParams();
  if (s.auth === "client_credentials") {
    if (!k.clientSecret) throw new DestinationConfigError("Enter the connected app's consumer secret: the client credentials flow needs it");
    form.set("grant_type", "client_credentials");
    form.set("client_id", s.clientId);
    form.set("client_secret", k.clientSecret);
  } else {
    if (!k.privateKey) throw new DestinationConfigError("Paste the private key of the connected app's certificate: the JWT bearer flow signs with it");
    form.set("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
    form.set("assertion", signedAssertion(s, k.privateKey, clock.now()));
  }
  const a = await http({
    method: "POST",
    url: joinUrl(s.loginUrl ?? s.myDomainUrl, "/services/oauth2/token"),
    body: form.toString(),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
  const body = a.json as { access_token?: string; instance_url?: string } | undefined;
  if (a.status !== 200 || !body?.access_token) throw new DestinationConfigError(loginProblem(s, a));
  return { accessToken: body.access_token, instanceUrl: instanceOf(s, body.instance_url) };
}

/**
 * Where the session's API calls go: the instance_url of the login answer, an https URL (a test server logged in
 * at over http, through the login URL override, may name an http instance).
 */
function instanceOf(s: SalesforceSettings, instanceUrl: unknown): string {
  const url = typeof instanceUrl === "string" && URL.canParse(instanceUrl) ? new URL(instanceUrl) : undefined;
  const protocols = s.loginUrl?.startsWith("http:") ? ["https:", "http:"] : ["https:"];
  if (!url || !protocols.includes(url.protocol)) throw new DestinationConfigError(`Salesforce's login answer names no https instance URL (${String(instanceUrl)})`);
  return instanceUrl as string;
}

async function session(ctx: SalesforceContext): Promise<Session> {
  const cached = await tokenCache.get(ctx.clock, credentialsKey(ctx.connection), async () => ({ token: JSON.stringify(await login(ctx)), expiresInSeconds: SESSION_SECONDS }));
  return JSON.parse(cached) as Session;
}

/**
 * A call to the REST API at the instance_url the login named: `path` under /services/data/vXX.X, or a path Salesforce gave (nextRecordsUrl). A
 * refused session (401) is renewed once; refused again, the connection cannot work and the run stops.
 */
export async function sfCall(ctx: SalesforceContext, p: { method: string; path: string; body?: unknown; headers?: Record<string, string> }): Promise<HttpResponse> {
  const { http, connection: c } = ctx;
  for (let renewed = false; ; renewed = true) {
    const current = await session(ctx);
    const { accessToken, instanceUrl } = current;
    const path = p.path.startsWith("/services/") ? p.path : `/services/data/v${c.settings.apiVersion}${p.path}`;
    const a = await http({ method: p.method, url: joinUrl(instanceUrl, path), body: p.body, headers: { authorization: `Bearer ${accessToken}`, ...p.headers }, limits: salesforceLimits });
    if (a.status !== 401) return a;
    // Only this refused session: another call may already hold a newer one.
    await tokenCache.forget(credentialsKey(c), JSON.stringify(current));
    if (renewed)
      throw new DestinationConfigError(
        `Salesforce refused a new session too (${errorText(a)}): check that the integration user is active with API Enabled and that the connected app's session policies let it in`,
      );
  }
}

/** A request refused for permissions (403 other than the limits) concerns every record: the run stops with Salesforce's reason. */
export function assertPermitted(a: HttpResponse, what: string) {
  if (a.status !== 403) return;
  const code = firstError(a)?.errorCode;
  const hint =
    code === "API_DISABLED_FOR_ORG" || code === "API_CURRENTLY_DISABLED"
      ? ": the org or the integration user has no API access (the profile or a permission set needs API Enabled)"
      : code === "INSUFFICIENT_ACCESS" || code === "INSUFFICIENT_ACCESS_OR_READONLY"
        ? ": give the integration user access to this object"
        : "";
  throw new DestinationConfigError(`Salesforce refused ${what} (${errorText(a)})${hint}`);
}

export const isApiName = (name: string) => /^[A-Za-z][A-Za-z0-9_]{0,79}$/.test(name);

export type SObjectField = {
  name: string;
  label: string;
  type: string;
  createable: boolean;
  updateable: boolean;
  nillable: boolean;
  defaultedOnCreate: boolean;
  unique: boolean;
  externalId: boolean;
  idLookup?: boolean;
  length?: number;
  referenceTo?: string[];
  picklistValues?: { value: string; active: boolean }[];
};
export type SObjectDescribe = { name: string; label: string; createable: boolean; updateable: boolean; deletable: boolean; fields: SObjectField[] };

const describes = new Map<string, { since: string; body: SObjectDescribe }>();
const MAX_DESCRIBES = 500;

/** An object's describe, kept per credentials and asked again with If-Modified-Since (304 when unchanged); undefined when there is no such object. */
export async function describeObject(ctx: SalesforceContext, object: string): Promise<SObjectDescribe | undefined> {
  if (!isApiName(object)) return undefined;
  const key = `${credentialsKey(ctx.connection)}:${ctx.connection.settings.apiVersion}:${object}`;
  const cached = describes.get(key);
  const a = await sfCall(ctx, { method: "GET", path: `/sobjects/${object}/describe`, headers: cached ? { "if-modified-since": cached.since } : {} });
  if (a.status === 304 && cached) return cached.body;
  if (a.status === 404) return undefined;
  assertPermitted(a, `describing ${object}`);
  if (a.status !== 200) throw new Error(`Describing ${object} failed: ${errorText(a)}`);
  if (describes.size >= MAX_DESCRIBES) describes.delete(describes.keys().next().value!);
  // Salesforce's time of the answer (ours without it), a second early: a change made in the same second as this read is still seen next time.
  const answeredAt = Date.parse(a.headers.get("date") ?? "");
  describes.set(key, { since: new Date((Number.isFinite(answeredAt) ? answeredAt : ctx.clock.now()) - 1_000).toUTCString(), body: a.json as SObjectDescribe });
  return a.json as SObjectDescribe;
}
