import { routeHandlers } from "@/lib/api/route";
import { createConnectionRoute, listConnectionsRoute } from "@/lib/api/v1/connections";

export const { GET, POST } = routeHandlers(listConnectionsRoute, createConnectionRoute);
