import { routeHandlers } from "@/lib/api/route";
import { deleteSyncRoute, getSyncRoute, updateSyncRoute } from "@/lib/api/v1/syncs";

export const { GET, PATCH, DELETE } = routeHandlers(getSyncRoute, updateSyncRoute, deleteSyncRoute);
