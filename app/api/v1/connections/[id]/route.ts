import { routeHandlers } from "@/lib/api/route";
import { deleteConnectionRoute, getConnectionRoute, updateConnectionRoute } from "@/lib/api/v1/connections";

export const { GET, PATCH, DELETE } = routeHandlers(getConnectionRoute, updateConnectionRoute, deleteConnectionRoute);
