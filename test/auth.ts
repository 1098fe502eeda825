/** better-auth's HTTP endpoints called in-process, as a browser or a script on the network would call them. */
import type { Auth } from "@/lib/auth/server";
import { appUrl } from "@/lib/env";

export function authEndpoints(auth: Auth) {
  return async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await auth.handler(
      new Request(`${appUrl()}/api/auth${path}`, { method: "POST", headers: { "content-type": "application/json", origin: appUrl(), ...headers }, body: JSON.stringify(body) }),
    );
    return { status: response.status, body: (await response.json().catch(() => null)) as { message?: string; code?: string } | null };
  };
}
