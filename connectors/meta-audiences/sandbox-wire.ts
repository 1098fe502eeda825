/** How requests reach the Graph API sandbox and errors leave it: bodies as JSON, forms or multipart, and the errors a test switches on. */
/** Errors the test switches on for the next `times` requests to paths matching `paths` (default: uploads). */
export type Fault = { code: 80003 | 17 | 4 | 1 | 2 | 190 | 368; times?: number; regainMinutes?: number; paths?: RegExp };

export const FAULTS: Record<Fault["code"], { status: number; message: string; subcode?: number }> = {
  80003: { status: 400, subcode: 2446079, message: "(#80003) There have been too many calls to this ad-account. Wait a bit and try again." },
  17: { status: 400, subcode: 2446079, message: "(#17) User request limit reached" },
  4: { status: 400, message: "(#4) Application request limit reached" },
  1: { status: 500, message: "An unknown error occurred" },
  2: { status: 503, message: "An unexpected error has occurred. Please retry your request later." },
  190: { status: 400, message: "Error validating access token: The session has been invalidated because the user changed their password." },
  368: { status: 400, message: "The action attempted has been deemed abusive or is otherwise disallowed" },
};

export function parseBody(raw: string, type: string): Record<string, unknown> {
  if (!raw) return {};
  if (type.includes("multipart/form-data")) {
    const boundary = /boundary=("?)([^";]+)\1/.exec(type)?.[2] ?? "";
    const fields: Record<string, unknown> = {};
    for (const part of raw.split(`--${boundary}`)) {
      const [head, ...rest] = part.split("\r\n\r\n");
      const name = /name="([^"]+)"/.exec(head ?? "")?.[1];
      if (name) fields[name] = rest.join("\r\n\r\n").replace(/\r\n$/, "");
    }
    return fields;
  }
  if (type.includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(raw));
  return JSON.parse(raw) as Record<string, unknown>;
}

/** `payload` and `session` come as objects (JSON bodies) or JSON strings (forms). */
export const objectOf = (value: unknown): Record<string, unknown> | undefined => {
  if (typeof value === "string") {
    try {
      return JSON.parse(value) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }
  return value && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
};
