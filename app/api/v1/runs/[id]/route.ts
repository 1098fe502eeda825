import { routeHandlers } from "@/lib/api/route";
import { getRunRoute } from "@/lib/api/v1/runs";

export const { GET } = routeHandlers(getRunRoute);
