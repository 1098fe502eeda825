import { routeHandlers } from "@/lib/api/route";
import { listSourcesRoute, addSourceRoute } from "@/lib/api/v1/sources";

export const { GET, POST } = routeHandlers(listSourcesRoute, addSourceRoute);
