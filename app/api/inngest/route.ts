import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest/index";
import { inngestServeOrigin } from "@/lib/env";

// Requests are verified with INNGEST_SIGNING_KEY: only Inngest (or the local executor) can drive runs.
// The URL functions are registered at comes from configuration, so a forged Host header cannot move them.
export const { GET, POST, PUT } = serve({ client: inngest, functions, serveOrigin: inngestServeOrigin(), servePath: "/api/inngest" });
