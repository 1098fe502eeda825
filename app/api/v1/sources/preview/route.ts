import { routeHandlers } from "@/lib/api/route";
import { previewImportRoute } from "@/lib/api/v1/sources";

export const { POST } = routeHandlers(previewImportRoute);
