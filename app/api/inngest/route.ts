import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest/index";

// Requests are verified with INNGEST_SIGNING_KEY: only Inngest (or the local executor) can drive runs.
export const { GET, POST, PUT } = serve({ client: inngest, functions });
