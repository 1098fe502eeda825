import { routeHandlers } from "@/lib/api/route";
import { exportSyncsRoute } from "@/lib/api/v1/transfer";

export const { GET } = routeHandlers(exportSyncsRoute);
