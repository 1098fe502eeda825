import { routeHandlers } from "@/lib/api/route";
import { discardRunRoute } from "@/lib/api/v1/runs";

export const { POST } = routeHandlers(discardRunRoute);
