import { routeHandlers } from "@/lib/api/route";
import { exportRunRecordsRoute } from "@/lib/api/v1/runs";

export const { GET } = routeHandlers(exportRunRecordsRoute);
