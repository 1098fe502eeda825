import { routeHandlers } from "@/lib/api/route";
import { listDatasets } from "@/lib/api/v1/datasets";

export const { GET } = routeHandlers(listDatasets);
