import "server-only";
import { z } from "zod";
import { PublicError, ValidationError } from "@/lib/errors";
import { assertPublicUrl, outboundPolicy } from "./outbound";

/** The settings of a connector's schema that are URLs (`z.url()`): where its requests go. */
export function urlSettingsOf(schema: z.ZodType): string[] {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as { properties?: Record<string, { format?: string }> };
  return Object.entries(json.properties ?? {})
    .filter(([, property]) => property.format === "uri")
    .map(([key]) => key);
}

/**
 * Refuses, when a connection or channel is saved, each URL the app would refuse to call — with the message
 * the call would give — so a private or non-http(s) address is caught where it is typed, not at the first run.
 */
export async function assertSavedUrls(values: Record<string, unknown>, keys: string[]): Promise<void> {
  const fields: Record<string, string[]> = {};
  for (const key of keys) {
    const value = values[key];
    if (typeof value !== "string") continue;
    try {
      await assertPublicUrl(value, outboundPolicy());
    } catch (error) {
      if (!(error instanceof PublicError)) throw error;
      fields[key] = [error.message];
    }
  }
  if (Object.keys(fields).length) throw new ValidationError(fields, "The app may not call this address");
}
