/** The connectors' manifests, client-safe (the builder lists destinations from here). */
import { httpApiManifest } from "./http-api/manifest";
import { mysqlManifest } from "./mysql/manifest";
import { postgresManifest } from "./postgres/manifest";
import type { ConnectorManifest } from "./types";

export const manifests: Record<string, ConnectorManifest> = { postgres: postgresManifest, mysql: mysqlManifest, "http-api": httpApiManifest };
