import { routeHandlers } from "@/lib/api/route";
import { getImportRoute, updateImportRoute, deleteImportRoute } from "@/lib/api/v1/sources";

export const { GET, PATCH, DELETE } = routeHandlers(getImportRoute, updateImportRoute, deleteImportRoute);
