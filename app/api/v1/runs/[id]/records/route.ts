import { routeHandlers } from "@/lib/api/route";
import { listRunRecordsRoute } from "@/lib/api/v1/runs";

export const { GET } = routeHandlers(listRunRecordsRoute);
