import { eraseEntityRecords, upsertEntityRecords } from "@/lib/api/v1/entities";
import { routeHandlers } from "@/lib/api/route";

export const { POST, DELETE } = routeHandlers(upsertEntityRecords, eraseEntityRecords);
