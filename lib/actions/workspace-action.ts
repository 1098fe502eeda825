import "server-only";
import { z } from "zod";
import type { Actor } from "@/lib/audit";
import type { Permission } from "@/lib/auth/permissions";
import { type Member, requireMember } from "@/lib/auth/session";
import { type DeletionsNeedConfirmation, fieldErrorsOf, type LineError, ValidationError } from "@/lib/errors";
import { publicFailure } from "@/lib/public-failure";

type ActionFailure = { ok: false; error: string; status?: number; fieldErrors?: Record<string, string[]>; details?: LineError[]; confirm?: DeletionsNeedConfirmation["confirm"] };

export type ActionResult<T> = { ok: true; data: T } | ActionFailure;

/** A failed action as the form shows it: field problems under their fields, anything else as one message. */
function failed(error: unknown): ActionFailure {
  const { status, message, fields, details, confirm } = publicFailure(error, "Server action");
  if (fields) return { ok: false, error: "Please fix the highlighted fields.", status, fieldErrors: fields };
  return { ok: false, error: message, status, details, confirm };
}

const parsed = <S extends z.ZodType>(schema: S, input: unknown): z.output<S> => {
  const result = schema.safeParse(input instanceof FormData ? Object.fromEntries(input) : input);
  if (!result.success) throw new ValidationError(fieldErrorsOf(result.error));
  return result.data;
};

export type ActionContext = Member & { actor: Actor };

/**
 * Every server action goes through here: session → membership → role → zod parse → run → typed result.
 * An action declares the permission it needs; the server refuses it whatever the UI shows.
 */
export function workspaceAction<S extends z.ZodType, T>(permission: Permission, schema: S, run: (input: z.output<S>, ctx: ActionContext) => Promise<T>) {
  return async (input: z.input<S> | FormData): Promise<ActionResult<T>> => {
    try {
      const member = await requireMember(permission);
      const actor: Actor = { type: "user", id: member.userId, label: member.email };
      return { ok: true, data: await run(parsed(schema, input), { ...member, actor }) };
    } catch (error) {
      return failed(error);
    }
  };
}

/** The few actions a signed-out visitor may call (first-run setup, accepting an invitation); each checks its own right. */
export function publicAction<S extends z.ZodType, T>(schema: S, run: (input: z.output<S>) => Promise<T>) {
  return async (input: z.input<S> | FormData): Promise<ActionResult<T>> => {
    try {
      return { ok: true, data: await run(parsed(schema, input)) };
    } catch (error) {
      return failed(error);
    }
  };
}
