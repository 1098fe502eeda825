import { routeHandlers } from "@/lib/api/route";
import { cancelImportRunRoute } from "@/lib/api/v1/sources";

export const { POST } = routeHandlers(cancelImportRunRoute);
