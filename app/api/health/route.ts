import { NextResponse } from "next/server";
import { getDb } from "@/lib/db/client";
import { env } from "@/lib/env";
import { checkHealth } from "@/lib/health";

export const dynamic = "force-dynamic";

/** Public, for load balancers and uptime monitors: 200 when the database and the job executor answer, 503 otherwise. */
export async function GET() {
  const health = await checkHealth({ db: getDb(), executorUrl: env.RELAY_EXECUTOR_URL });
  return NextResponse.json(health, { status: health.status === "ok" ? 200 : 503, headers: { "cache-control": "no-store" } });
}
