import { Inngest } from "inngest";
import { inngestLogger } from "@/lib/log";

/**
 * The one Inngest client. Where it sends events and who may call the serve route come from the
 * environment (INNGEST_SIGNING_KEY, INNGEST_EVENT_KEY, INNGEST_BASE_URL): Inngest Cloud, a self-hosted
 * `inngest start`, or the local executor that `npm run dev` / `npm start` run. The code is the same.
 */
export const inngest = new Inngest({ id: "relay", logger: inngestLogger });
