import { routeHandlers } from "@/lib/api/route";
import { importSyncsRoute } from "@/lib/api/v1/transfer";

export const { POST } = routeHandlers(importSyncsRoute);
