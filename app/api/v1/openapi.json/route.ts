import { NextResponse } from "next/server";
import { buildOpenApi } from "@/lib/api/openapi";
import { v1Routes } from "@/lib/api/v1";

/** The OpenAPI 3.1 document of the REST API (public: it describes, it reveals nothing). */
export function GET(request: Request) {
  return NextResponse.json(buildOpenApi(v1Routes, `${new URL(request.url).origin}/api/v1`));
}
