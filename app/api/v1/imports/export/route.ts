import { routeHandlers } from "@/lib/api/route";
import { exportImportsRoute } from "@/lib/api/v1/sources";

export const { GET } = routeHandlers(exportImportsRoute);
