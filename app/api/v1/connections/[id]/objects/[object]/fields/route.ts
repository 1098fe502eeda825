import { routeHandlers } from "@/lib/api/route";
import { listFieldsRoute } from "@/lib/api/v1/connections";

export const { GET } = routeHandlers(listFieldsRoute);
