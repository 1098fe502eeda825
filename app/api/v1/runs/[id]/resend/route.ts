import { routeHandlers } from "@/lib/api/route";
import { resendRecordsRoute } from "@/lib/api/v1/runs";

export const { POST } = routeHandlers(resendRecordsRoute);
