import { routeHandlers } from "@/lib/api/route";
import { removeSourceRoute } from "@/lib/api/v1/sources";

export const { DELETE } = routeHandlers(removeSourceRoute);
