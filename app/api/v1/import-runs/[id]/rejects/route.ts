import { routeHandlers } from "@/lib/api/route";
import { listImportRejectsRoute } from "@/lib/api/v1/sources";

export const { GET } = routeHandlers(listImportRejectsRoute);
