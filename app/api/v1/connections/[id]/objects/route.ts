import { routeHandlers } from "@/lib/api/route";
import { listObjectsRoute } from "@/lib/api/v1/connections";

export const { GET } = routeHandlers(listObjectsRoute);
