/** The sandbox's token endpoint: the client credentials and JWT bearer grants, answered as Salesforce does (no expires_in, 400 invalid_grant…). */
import crypto from "node:crypto";
import { SANDBOX_USER_ID } from "./sandbox-schema";

export type AuthOptions = {
  clientId: string;
  clientSecret: string;
  /** The public key of the certificate on the connected app (PEM): what JWT assertions are verified with. */
  publicKey?: string;
  /** Users pre-authorized on the connected app (JWT `sub`). */
  approvedUsers: string[];
  audiences: string[];
  /** The org has no Run As user for the client credentials flow. */
  clientCredentialsUser: boolean;
};

const ORG_ID = "00DHs000000SandBMAQ";
type Answer = { status: number; body: Record<string, string> };
const refuse = (error: string, description: string): Answer => ({ status: 400, body: { error, error_description: description } });

function verifiedClaims(assertion: string, publicKey: string | undefined): Record<string, unknown> | undefined {
  const [header, claims, signature] = assertion.split(".");
  if (!header || !claims || !signature || !publicKey) return undefined;
  try {
    if ((JSON.parse(Buffer.from(header, "base64url").toString()) as { alg?: string }).alg !== "RS256") return undefined;
    const valid = crypto.verify("sha256", Buffer.from(`${header}.${claims}`), publicKey, Buffer.from(signature, "base64url"));
    return valid ? (JSON.parse(Buffer.from(claims, "base64url").toString()) as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Answers POST /services/oauth2/token; `issue` makes a session and returns its access token. */
export function tokenAnswer(form: URLSearchParams, options: AuthOptions, instanceUrl: string, issue: () => string): Answer {
  const grant = form.get("grant_type");
  if (grant === "client_credentials") {
    if (form.get("client_id") !== options.clientId) return refuse("invalid_client_id", "client identifier invalid");
    if (form.get("client_secret") !== options.clientSecret) return refuse("invalid_client", "invalid client credentials");
    if (!options.clientCredentialsUser) return refuse("invalid_grant", "no client credentials user enabled");
  } else if (grant === "urn:ietf:params:oauth:grant-type:jwt-bearer") {
    const claims = verifiedClaims(form.get("assertion") ?? "", options.publicKey);
    if (!claims || typeof claims.exp !== "number" || claims.exp * 1000 < Date.now()) return refuse("invalid_grant", "invalid assertion");
    if (claims.iss !== options.clientId) return refuse("invalid_client_id", "client identifier invalid");
    if (!options.audiences.includes(String(claims.aud))) return refuse("invalid_grant", "audience is invalid");
    if (!options.approvedUsers.includes(String(claims.sub))) return refuse("invalid_grant", "user hasn't approved this consumer");
  } else return refuse("unsupported_grant_type", "grant type not supported");

  const issuedAt = String(Date.now());
  const id = `https://login.salesforce.com/id/${ORG_ID}/${SANDBOX_USER_ID}`;
  const signature = crypto.createHmac("sha256", options.clientSecret).update(id + issuedAt).digest("base64");
  return { status: 200, body: { access_token: issue(), signature, scope: "api", instance_url: instanceUrl, id, token_type: "Bearer", issued_at: issuedAt } };
}

export const newAccessToken = () => `${ORG_ID.slice(0, 15)}!AQ${crypto.randomBytes(48).toString("base64url")}`;
