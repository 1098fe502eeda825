import { routeHandlers } from "@/lib/api/route";
import { createSyncRoute, listSyncsRoute } from "@/lib/api/v1/syncs";

export const { GET, POST } = routeHandlers(listSyncsRoute, createSyncRoute);
