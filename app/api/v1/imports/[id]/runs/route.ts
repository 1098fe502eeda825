import { routeHandlers } from "@/lib/api/route";
import { listImportRunsRoute, startImportRunRoute } from "@/lib/api/v1/sources";

export const { GET, POST } = routeHandlers(listImportRunsRoute, startImportRunRoute);
