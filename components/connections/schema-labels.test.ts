import { describe, expect, it } from "vitest";
import { z } from "zod";
import { mysqlSettingsSchema } from "@/connectors/mysql/config";
import { postgresSettingsSchema } from "@/connectors/postgres/config";
import { fieldSections } from "./schema-form";
import { defaultNote, labelFromKey } from "./schema-labels";

describe("labels generated from schema keys", () => {
  it("spells acronyms as people write them", () => {
    expect(labelFromKey("ssl")).toBe("SSL");
    expect(labelFromKey("apiBaseUrl")).toBe("API base URL");
    expect(labelFromKey("listIds")).toBe("List IDs");
    expect(labelFromKey("adAccountId")).toBe("Ad account ID");
    expect(labelFromKey("hostKeyFingerprint")).toBe("Host key fingerprint");
    expect(labelFromKey("timeoutMs")).toBe("Timeout (ms)");
  });

  it("says the default an optional field falls back to, read from the connector's zod schema", () => {
    const settings = z.toJSONSchema(postgresSettingsSchema, { io: "input", unrepresentable: "any" }) as { properties: Record<string, { default?: unknown }> };
    expect(defaultNote(settings.properties.schema!.default)).toBe("default: public");
    expect(defaultNote(settings.properties.port!.default)).toBe("default: 5432");
    expect(defaultNote(settings.properties.ssl!.default)).toBe("default: no");
    expect(defaultNote(settings.properties.host!.default)).toBeUndefined();
  });

  it("asks MySQL for no schema (a MySQL database is its own), and still reads a connection saved with one", () => {
    const form = (schema: z.ZodType) => fieldSections(z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Parameters<typeof fieldSections>[0]);
    expect(form(mysqlSettingsSchema).basic.map(([name]) => name)).toEqual(["host", "port", "database", "user", "ssl"]);
    expect(form(postgresSettingsSchema).basic.map(([name]) => name)).toEqual(["host", "port", "database", "user", "schema", "ssl"]);
    expect(mysqlSettingsSchema.safeParse({ host: "db", database: "shop", user: "relay", schema: "shop" }).success).toBe(true);
  });
});
