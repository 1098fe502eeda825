/**
 * A local Salesforce org behind the documented REST API (../shared/vendors/salesforce.md): the token endpoint
 * (client credentials, JWT bearer verified with the configured public key), describe with If-Modified-Since,
 * sObject Collections create/update/upsert/delete, SOQL queries with nextRecordsUrl, INVALID_SESSION_ID,
 * `Sforce-Limit-Info` rising by one a call and 403 REQUEST_LIMIT_EXCEEDED at the daily quota; as faults, lost
 * replies (a write applied, then the connection dropped), query pages without their next link and a failing
 * global describe. It keeps
 * records in memory and logs every request.
 *
 * Two servers, as a connector meets them: the login host (`url`, standing in for My Domain) answers only the
 * token endpoint, and its login answer names the org's instance (`instanceUrl`, another port) which answers
 * only the REST API. A client that calls anywhere but the instance_url it was given is refused, and seen in the log.
 */
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { faultDraw } from "../shared/sandbox-faults";
import { type AuthOptions, newAccessToken, tokenAnswer } from "./sandbox-auth";
import { RequestError, SandboxOrg, type SfRecord } from "./sandbox-org";
import { describeOf, type SandboxObject } from "./sandbox-schema";
import { runQuery } from "./sandbox-soql";

export type SalesforceSandboxOptions = Partial<AuthOptions> & {
  /** A fixed port for the login host (a Playwright spec's web server); 0 picks a free one. The instance always takes a free one. */
  port?: number;
  objects?: SandboxObject[];
  /** Calls counted over the last 24 hours and the org's daily quota. */
  apiUsage?: { used: number; max: number };
  /** Every session is refused (401), as after the connected app's policies change. */
  refuseSessions?: boolean;
  /** The user or org has no API access: 403 API_DISABLED_FOR_ORG. */
  apiDisabled?: boolean;
  /** Records per query page (Salesforce: 2,000, or the batchSize of Sforce-Query-Options). */
  queryPageSize?: number;
  /** A fault: the global describe (GET /sobjects) fails with 500 UNKNOWN_EXCEPTION, as it may on a large org; each object's describe still works. */
  globalDescribeFails?: boolean;
  /** A fault: query pages say `done: false` but carry no nextRecordsUrl. */
  unlinkedQueries?: boolean;
  /** A fault: this share of collection writes is applied, then the connection drops before the answer (a lost reply). */
  lostReplies?: { rate: number; seed?: number };
  validate?: SandboxOrg["validate"];
};

/** A request: which host it reached, when it arrived, when it was answered. */
type Host = "login" | "instance";
type Logged = { host: Host; at: number; answeredAt: number; method: string; path: string; status: number; area: "token" | "data" | "other"; lost?: true };
const COLLECTION_LIMIT = 200;

export async function startSalesforceSandbox(options: SalesforceSandboxOptions = {}) {
  let config = {
    clientId: "3MVG9sandbox.consumer.key",
    clientSecret: "sandbox-consumer-secret",
    approvedUsers: ["integration@relay.example"],
    audiences: ["https://login.salesforce.com", "https://test.salesforce.com"],
    clientCredentialsUser: true,
    apiUsage: { used: 0, max: 15_000 },
    queryPageSize: 2_000,
    ...options,
  };
  const org = new SandboxOrg(options.objects);
  org.validate = options.validate;
  const sessions = new Set<string>();
  const cursors = new Map<string, Record<string, unknown>[]>();
  const log: Logged[] = [];
  let instanceUrl = "";
  const lost = faultDraw(() => config.lostReplies);

  async function route(req: http.IncomingMessage, body: string, version: string, rest: string): Promise<{ status: number; body?: unknown; headers?: Record<string, string> }> {
    const q = new URL(req.url ?? "/", "http://sandbox").searchParams;
    const method = req.method ?? "GET";
    const json = () => {
      try {
        return JSON.parse(body) as { allOrNone?: boolean; records?: unknown[] };
      } catch {
        throw new RequestError(400, "JSON_PARSER_ERROR", "Unexpected character in the request body");
      }
    };
    const collection = () => {
      const input = json();
      if (!Array.isArray(input.records)) throw new RequestError(400, "JSON_PARSER_ERROR", "Required field is missing: records");
      if (input.records.length > COLLECTION_LIMIT) throw new RequestError(400, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into this call");
      return { records: input.records, allOrNone: input.allOrNone === true };
    };

    if (rest === "/sobjects" && method === "GET" && config.globalDescribeFails)
      throw new RequestError(500, "UNKNOWN_EXCEPTION", "An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)");
    if (rest === "/sobjects" && method === "GET")
      return { status: 200, body: { encoding: "UTF-8", maxBatchSize: 200, sobjects: org.objects.map((o) => ({ ...describeOf(o), fields: undefined })) } };
    const describe = rest.match(/^\/sobjects\/(\w+)\/describe$/);
    if (describe && method === "GET") {
      const o = org.object(describe[1]!);
      if (!o) throw new RequestError(404, "NOT_FOUND", "The requested resource does not exist");
      const since = Date.parse(String(req.headers["if-modified-since"] ?? ""));
      const lastModified = new Date(org.schemaChangedAt).toUTCString();
      if (Math.floor(org.schemaChangedAt / 1000) <= since / 1000) return { status: 304 };
      return { status: 200, body: describeOf(o), headers: { "last-modified": lastModified } };
    }
    if (rest === "/limits" && method === "GET") return { status: 200, body: { DailyApiRequests: { Max: config.apiUsage.max, Remaining: Math.max(0, config.apiUsage.max - config.apiUsage.used) } } };
    if (rest === "/composite/sobjects") {
      if (method === "POST" || method === "PATCH") {
        const { records, allOrNone } = collection();
        return { status: 200, body: method === "POST" ? org.create(records, allOrNone) : org.update(records, allOrNone) };
      }
      if (method === "DELETE") {
        const ids = (q.get("ids") ?? "").split(",").filter(Boolean);
        if (ids.length === 0) throw new RequestError(400, "MISSING_ARGUMENT", "ids parameter is required");
        if (ids.length > COLLECTION_LIMIT) throw new RequestError(400, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into this call");
        return { status: 200, body: org.delete(ids, q.get("allOrNone") === "true") };
      }
    }
    const upsert = rest.match(/^\/composite\/sobjects\/(\w+)\/(\w+)$/);
    if (upsert && method === "PATCH") {
      if (Number(version) < 46) throw new RequestError(404, "NOT_FOUND", "The requested resource does not exist");
      const { records, allOrNone } = collection();
      return { status: 200, body: org.upsert(upsert[1]!, upsert[2]!, records, allOrNone) };
    }
    const next = rest.match(/^\/query\/([\w]+)-(\d+)$/);
    if ((rest === "/query" || next) && method === "GET") {
      const pageSize = Math.min(config.queryPageSize, Number(String(req.headers["sforce-query-options"] ?? "").match(/batchSize=(\d+)/)?.[1] ?? Infinity));
      let locator = next?.[1];
      const from = next ? Number(next[2]) : 0;
      if (!locator) {
        locator = `01g${crypto.randomBytes(6).toString("hex")}`;
        cursors.set(locator, runQuery(org, q.get("q") ?? "", version));
      }
      const rows = cursors.get(locator);
      if (!rows) throw new RequestError(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
      const done = from + pageSize >= rows.length;
      return {
        status: 200,
        body: { totalSize: rows.length, done, ...(done || config.unlinkedQueries ? {} : { nextRecordsUrl: `/services/data/v${version}/query/${locator}-${from + pageSize}` }), records: rows.slice(from, from + pageSize) },
      };
    }
    throw new RequestError(404, "NOT_FOUND", "The requested resource does not exist");
  }

  const notFound = [{ errorCode: "NOT_FOUND", message: "The requested resource does not exist" }];
  const serve = (host: Host) => async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://sandbox").pathname;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString();
    const data = path.match(/^\/services\/data\/v(\d{2,3}\.0)(\/.*)?$/);
    const area = path === "/services/oauth2/token" ? "token" : data ? "data" : "other";
    const entry: Logged = { host, at: Date.now(), answeredAt: 0, method: req.method ?? "GET", path, status: 0, area };
    log.push(entry);
    const send = (status: number, answer?: unknown, headers: Record<string, string> = {}) => {
      Object.assign(entry, { status, answeredAt: Date.now() });
      res.writeHead(status, { ...(answer === undefined ? {} : { "content-type": "application/json;charset=UTF-8" }), ...headers });
      res.end(answer === undefined ? "" : JSON.stringify(answer));
    };

    if (host === "login") {
      if (area !== "token" || req.method !== "POST") return send(404, notFound);
      const answer = tokenAnswer(new URLSearchParams(body), config, instanceUrl, () => {
        const token = newAccessToken();
        sessions.add(token);
        return token;
      });
      return send(answer.status, answer.body);
    }
    if (path === "/services/data" || path === "/services/data/")
      return send(200, ["58.0", "62.0", "66.0"].map((v) => ({ label: `v${v}`, url: `/services/data/v${v}`, version: v })));
    if (!data || Number(data[1]) < 42) return send(404, notFound);
    const token = String(req.headers.authorization ?? "").replace(/^(Bearer|OAuth)\s+/i, "");
    if (config.refuseSessions || !sessions.has(token)) return send(401, [{ message: "Session expired or invalid", errorCode: "INVALID_SESSION_ID" }]);
    if (config.apiDisabled) return send(403, [{ message: "The REST API is not enabled for this Organization.", errorCode: "API_DISABLED_FOR_ORG" }]);
    const usage = config.apiUsage;
    if (usage.used >= usage.max) return send(403, [{ message: "TotalRequests Limit exceeded.", errorCode: "REQUEST_LIMIT_EXCEEDED" }]);
    usage.used++;
    const limitInfo = { "sforce-limit-info": `api-usage=${usage.used}/${usage.max}` };
    try {
      const answer = await route(req, body, data[1]!, data[2] ?? "");
      if (req.method !== "GET" && data[2]?.startsWith("/composite/sobjects") && lost()) {
        Object.assign(entry, { status: answer.status, lost: true });
        return void req.socket.destroy();
      }
      send(answer.status, answer.body, { ...limitInfo, ...answer.headers });
    } catch (error) {
      if (error instanceof RequestError) return send(error.status, [{ message: error.message, errorCode: error.errorCode }], limitInfo);
      send(500, [{ message: `An unexpected error occurred: ${(error as Error).message}`, errorCode: "UNKNOWN_EXCEPTION" }], limitInfo);
    }
  };
  const listen = async (host: Host, port: number) => {
    const handle = serve(host);
    const server = http.createServer((req, res) => void handle(req, res));
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  };
  const login = await listen("login", options.port ?? 0);
  const instance = await listen("instance", 0);
  instanceUrl = instance.url;
  const close = (server: http.Server) => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve())));

  return {
    /** The login host, standing in for My Domain: what a connection's login URL points at. */
    url: login.url,
    /** The org's instance, named by every login answer: where the REST API is served. */
    instanceUrl,
    org,
    log,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    username: config.approvedUsers[0]!,
    /** Live records of an object, as Salesforce holds them. */
    records: (object: string) => org.records(object),
    /** Adds a record as a user would in Salesforce's UI (no API call counted); returns its 18-character id. */
    insert(object: string, fields: Record<string, unknown>): string {
      const [result] = org.create([{ attributes: { type: object }, ...fields }], true);
      if (!result?.success) throw new Error(`The sandbox refused the record: ${JSON.stringify(result?.errors)}`);
      return result.id!;
    },
    /** Deletes a record to the Recycle Bin, as a user would; `purge` empties the bin (the id then never existed). */
    remove: (id: string) => org.remove(id),
    purge: () => org.bin.clear(),
    usage: () => ({ ...config.apiUsage }),
    /** Ends every session: the next call with an old token gets 401 INVALID_SESSION_ID. */
    expireSessions: () => sessions.clear(),
    configure: (next: Partial<SalesforceSandboxOptions>) => {
      config = { ...config, ...next };
      if ("validate" in next) org.validate = next.validate;
    },
    dataRequests: () => log.filter((l) => l.area === "data"),
    tokenRequests: () => log.filter((l) => l.area === "token"),
    close: () => Promise.all([close(login.server), close(instance.server)]),
  };
}

export type SalesforceSandbox = Awaited<ReturnType<typeof startSalesforceSandbox>>;

/** Settings and secrets of a connection to the sandbox (a test's createConnection, or what a Playwright spec types into the form). */
export function sandboxConnection(sandbox: SalesforceSandbox, auth: { privateKey: string } | "client_credentials" = "client_credentials") {
  const jwt = auth !== "client_credentials";
  return {
    settings: {
      auth: jwt ? ("jwt_bearer" as const) : ("client_credentials" as const),
      myDomainUrl: "https://relay-test.my.salesforce.com",
      clientId: sandbox.clientId,
      username: sandbox.username,
      audience: "https://login.salesforce.com" as const,
      apiVersion: "62.0",
      loginUrl: sandbox.url,
    },
    secrets: jwt ? { privateKey: auth.privateKey } : { clientSecret: sandbox.clientSecret },
  };
}
export type { SfRecord };
