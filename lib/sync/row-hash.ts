import crypto from "node:crypto";
import { sql } from "drizzle-orm";
import { type Mapping, type MatchKey, mappingColumns } from "@/lib/mapping/schema";

type MappingConfig = { mapping: Mapping; matchKey: MatchKey };

/** The hash covers the mapping itself: a changed mapping re-sends every record. */
const mappingVersion = (config: MappingConfig) => crypto.createHash("sha256").update(JSON.stringify([config.mapping, config.matchKey])).digest("hex").slice(0, 16);

/** The mapped inputs of dataset row `d`, in the order the hash reads them. */
export const mappedColumns = (config: MappingConfig) => sql.join(mappingColumns(config.mapping, config.matchKey).map((c) => sql`d.${sql.identifier(c)}`), sql`, `);

/** What the diff state compares: dataset row `d`'s mapped inputs as a row value (cheap, and the same in the plan and at delivery). */
export const rowHash = (config: MappingConfig) => sql`md5(${mappingVersion(config)} || ROW(${mappedColumns(config)})::text)`;
