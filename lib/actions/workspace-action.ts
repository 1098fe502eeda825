import "server-only";
import { z } from "zod";
import type { Actor } from "@/lib/audit";
import type { Permission } from "@/lib/auth/permissions";
import { type Member, requireMember } from "@/lib/auth/session";
import { fieldErrorsOf, type LineError, PublicError, ValidationError } from "@/lib/errors";

export type ActionResult<T> =
  | { ok: true; data: T }
  | { ok: false; error: string; status?: number; fieldErrors?: Record<string, string[]>; details?: LineError[] };

export type ActionContext = Member & { actor: Actor };

/**
 * Every server action goes through here: session → membership → role → zod parse → run → typed result.
 * An action declares the permission it needs; the server refuses it whatever the UI shows.
 */
export function workspaceAction<S extends z.ZodType, T>(permission: Permission, schema: S, run: (input: z.output<S>, ctx: ActionContext) => Promise<T>) {
  return async (input: z.input<S> | FormData): Promise<ActionResult<T>> => {
    try {
      const member = await requireMember(permission);
      const raw = input instanceof FormData ? Object.fromEntries(input) : input;
      const parsed = schema.safeParse(raw);
      if (!parsed.success) return { ok: false, error: "Please fix the highlighted fields.", fieldErrors: fieldErrorsOf(parsed.error) };
      const actor: Actor = { type: "user", id: member.userId, label: member.email };
      return { ok: true, data: await run(parsed.data, { ...member, actor }) };
    } catch (error) {
      if (error instanceof ValidationError) return { ok: false, error: "Please fix the highlighted fields.", fieldErrors: error.fields };
      if (error instanceof PublicError) return { ok: false, error: error.message, status: error.status, details: error.details };
      console.error("Server action failed:", error);
      return { ok: false, error: "Something went wrong. Please try again." };
    }
  };
}

/** The few actions a signed-out visitor may call (first-run setup, accepting an invitation); each checks its own right. */
export function publicAction<S extends z.ZodType, T>(schema: S, run: (input: z.output<S>) => Promise<T>) {
  return async (input: z.input<S> | FormData): Promise<ActionResult<T>> => {
    try {
      const parsed = schema.safeParse(input instanceof FormData ? Object.fromEntries(input) : input);
      if (!parsed.success) return { ok: false, error: "Please fix the highlighted fields.", fieldErrors: fieldErrorsOf(parsed.error) };
      return { ok: true, data: await run(parsed.data) };
    } catch (error) {
      if (error instanceof ValidationError) return { ok: false, error: "Please fix the highlighted fields.", fieldErrors: error.fields };
      if (error instanceof PublicError) return { ok: false, error: error.message, status: error.status };
      console.error("Server action failed:", error);
      return { ok: false, error: "Something went wrong. Please try again." };
    }
  };
}
