import { routeHandlers } from "@/lib/api/route";
import { confirmRunRoute } from "@/lib/api/v1/runs";

export const { POST } = routeHandlers(confirmRunRoute);
