/** How the HTTP API connector talks to the API: auth headers, one call, path templates, reading answers. */
import "server-only";
import { DestinationConfigError, type DeliveryContext } from "../types";
import { atPointer, type HttpApiSecrets, type HttpApiSettings } from "./config";

export type Ctx = DeliveryContext<HttpApiSettings, HttpApiSecrets>;
export type Answer = Awaited<ReturnType<Ctx["http"]>>;

export const succeeded = (status: number) => status >= 200 && status < 300;

/** The API's own words for a refusal (`message`, `error.message` or `error`), with the status. */
export function messageOf(status: number, json: unknown) {
  const m = atPointer(json, "/message") ?? atPointer(json, "/error/message") ?? atPointer(json, "/error");
  return typeof m === "string" ? `${status}: ${m}` : `The API answered ${status}`;
}

export function authHeaders(s: HttpApiSettings, k: HttpApiSecrets): Record<string, string> {
  if (s.auth === "bearer") return { authorization: `Bearer ${k.token ?? ""}` };
  if (s.auth === "basic") return { authorization: `Basic ${Buffer.from(`${k.username ?? ""}:${k.password ?? ""}`).toString("base64")}` };
  if (s.auth === "header" && s.authHeader) return { [s.authHeader]: k.headerValue ?? "" };
  return {};
}

export function call(ctx: Ctx, method: string, path: string, body?: unknown, extra: Record<string, string> = {}) {
  const { settings, secrets } = ctx.connection;
  return ctx.http({ method, url: `${settings.baseUrl.replace(/\/$/, "")}${path}`, body, timeoutMs: settings.timeoutMs, headers: { ...authHeaders(settings, secrets), ...extra } });
}

export const fill = (template: string, values: { id?: string; key: string }) =>
  template.replace("{id}", encodeURIComponent(values.id ?? "")).replace("{key}", encodeURIComponent(values.key));

/** Whether a path template needs the API's id of the record (it cannot address the record by its key alone). */
export const needsId = (template: string) => template.includes("{id}");

/** Bad credentials end the run: no record can be written. */
export function assertAuthorised(a: Answer) {
  if (a.status === 401 || a.status === 403) throw new DestinationConfigError(`The API refused the credentials (${messageOf(a.status, a.json)})`);
}
