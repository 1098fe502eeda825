/** A PostgreSQL table on the test server (TEST_DATABASE_URL), for the connector contract suite (connectors/contract.test.ts). */
import { postgresDestination } from "@/test/destinations";
import { sqlContract } from "../shared/sql-contract";
import { postgresManifest } from "./manifest";

export const postgresContract = sqlContract(postgresManifest, postgresDestination);
