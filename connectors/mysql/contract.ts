/** A MySQL / MariaDB table (TEST_MYSQL_URL), for the connector contract suite (connectors/contract.test.ts): skipped with a message where there is none, required in CI. */
import { mysqlAvailable, mysqlDestination } from "@/test/destinations";
import { sqlContract } from "../shared/sql-contract";
import { mysqlManifest } from "./manifest";

export const mysqlContract = sqlContract(mysqlManifest, mysqlDestination, mysqlAvailable);
