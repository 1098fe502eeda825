import type { InngestFunction } from "inngest";

/** Every function the app serves at /api/inngest; one per file in inngest/functions/. */
export const functions: InngestFunction.Any[] = [];
