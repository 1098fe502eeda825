import { routeHandlers } from "@/lib/api/route";
import { listImportsRoute, createImportRoute } from "@/lib/api/v1/sources";

export const { GET, POST } = routeHandlers(listImportsRoute, createImportRoute);
