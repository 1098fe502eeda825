import { routeHandlers } from "@/lib/api/route";
import { cancelRunRoute } from "@/lib/api/v1/runs";

export const { POST } = routeHandlers(cancelRunRoute);
