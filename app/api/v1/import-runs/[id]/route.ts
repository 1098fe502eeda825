import { routeHandlers } from "@/lib/api/route";
import { getImportRunRoute } from "@/lib/api/v1/sources";

export const { GET } = routeHandlers(getImportRunRoute);
