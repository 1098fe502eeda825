import { routeHandlers } from "@/lib/api/route";
import { importImportsRoute } from "@/lib/api/v1/sources";

export const { POST } = routeHandlers(importImportsRoute);
