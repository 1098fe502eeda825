import { routeHandlers } from "@/lib/api/route";
import { previewSegmentRoute } from "@/lib/api/v1/datasets";

export const { POST } = routeHandlers(previewSegmentRoute);
