import { routeHandlers } from "@/lib/api/route";
import { startRunRoute } from "@/lib/api/v1/syncs";

export const { POST } = routeHandlers(startRunRoute);
