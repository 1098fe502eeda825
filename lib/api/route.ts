import "server-only";
import { NextResponse } from "next/server";
import { z } from "zod";
import { currentWorkspace } from "@/lib/current-workspace";
import type { Db } from "@/lib/db/client";
import { fieldErrorsOf, PublicError, ValidationError } from "@/lib/errors";

const MAX_BODY_BYTES = 10 * 1024 * 1024;

type Context<P, B> = { params: P; body: B; db: Db; workspaceId: string; request: Request };
type Spec<PS extends z.ZodType, BS extends z.ZodType> = { params: PS; body?: (params: z.output<PS>) => BS };

export const apiError = (status: number, message: string, fields?: Record<string, string[]>) =>
  NextResponse.json({ error: fields ? { message, fields } : { message } }, { status });

async function readJson(request: Request): Promise<unknown> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > MAX_BODY_BYTES) throw new PublicError("The body is larger than 10 MB: send smaller batches", { status: 413 });
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new PublicError("The body is larger than 10 MB: send smaller batches", { status: 413 });
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PublicError(`The body is not valid JSON (${(error as Error).message})`, { status: 400 });
  }
}

/** Every API route goes through here: params and JSON body parsed with zod, errors as `{ error: { message, fields? } }`. */
export function apiRoute<PS extends z.ZodType, BS extends z.ZodType>(
  spec: Spec<PS, BS>,
  handle: (ctx: Context<z.output<PS>, z.output<BS>>) => Promise<{ status?: number; data: unknown }>,
) {
  return async (request: Request, route: { params: Promise<unknown> }) => {
    try {
      const params = spec.params.safeParse(await route.params);
      if (!params.success) return apiError(404, params.error.issues[0]?.message ?? "Not found");
      let body: unknown;
      if (spec.body) {
        const parsed = spec.body(params.data).safeParse(await readJson(request));
        if (!parsed.success) return apiError(422, "The body does not match what this endpoint expects", fieldErrorsOf(parsed.error));
        body = parsed.data;
      }
      const { db, workspaceId } = await currentWorkspace();
      const result = await handle({ params: params.data, body: body as z.output<BS>, db, workspaceId, request });
      return NextResponse.json({ data: result.data }, { status: result.status ?? 200 });
    } catch (error) {
      if (error instanceof ValidationError) return apiError(422, "The body does not match what this endpoint expects", error.fields);
      if (error instanceof PublicError) return apiError(error.status, error.message);
      console.error("API route failed:", error);
      return apiError(500, "Something went wrong");
    }
  };
}
