import "server-only";
import { z } from "zod";
import { currentWorkspace } from "@/lib/current-workspace";
import type { Db } from "@/lib/db/client";
import { fieldErrorsOf, type LineError, PublicError, ValidationError } from "@/lib/errors";

export type ActionResult<T> =
  | { ok: true; data: T }
  | { ok: false; error: string; fieldErrors?: Record<string, string[]>; details?: LineError[] };

export type ActionContext = { db: Db; workspaceId: string };

/** Every server action goes through here: workspace → zod parse → run → typed result. */
export function workspaceAction<S extends z.ZodType, T>(schema: S, run: (input: z.output<S>, ctx: ActionContext) => Promise<T>) {
  return async (input: z.input<S> | FormData): Promise<ActionResult<T>> => {
    const raw = input instanceof FormData ? Object.fromEntries(input) : input;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) return { ok: false, error: "Please fix the highlighted fields.", fieldErrors: fieldErrorsOf(parsed.error) };
    try {
      const { db, workspaceId } = await currentWorkspace();
      return { ok: true, data: await run(parsed.data, { db, workspaceId }) };
    } catch (error) {
      if (error instanceof ValidationError) return { ok: false, error: "Please fix the highlighted fields.", fieldErrors: error.fields };
      if (error instanceof PublicError) return { ok: false, error: error.message, details: error.details };
      if (error instanceof z.ZodError) return { ok: false, error: "Please fix the highlighted fields.", fieldErrors: fieldErrorsOf(error) };
      console.error("Server action failed:", error);
      return { ok: false, error: "Something went wrong. Please try again." };
    }
  };
}
