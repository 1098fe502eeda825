import { describe, expect, it } from "vitest";
import type { WriteRecord } from "../types";
import { type SqlContext, type SqlDialect, type SqlState, sqlDestination } from "./sql-destination";
import { postgresManifest } from "../postgres/manifest";
import { postgresSecretsSchema, postgresSettingsSchema } from "../postgres/config";

/** A database that refuses any statement holding one of the `bad` keys (as a check constraint would), counting statements. */
function refusingDialect(bad: Set<string>) {
  const statements: number[] = [];
  const dialect = {
    isRecordError: (error: unknown) => (error as { code?: string }).code === "23514",
    table: () => "customers",
    async upsert(_ctx: SqlContext, _state: SqlState, _target: string, records: WriteRecord[]) {
      statements.push(records.length);
      const refused = records.find((r) => bad.has(r.key));
      if (refused) throw Object.assign(new Error(`new row violates check constraint for ${refused.key}`), { code: "23514" });
      return new Map(records.map((r) => [r.key, true]));
    },
  } as unknown as SqlDialect;
  return { dialect, statements };
}

describe("a SQL destination refusing some records of a large batch", () => {
  it("fails exactly those records, each with the database's message, in a few dozen statements instead of one per record", async () => {
    const { dialect, statements } = refusingDialect(new Set(["k0123", "k3210"]));
    const destination = sqlDestination({ manifest: postgresManifest, settingsSchema: postgresSettingsSchema, secretsSchema: postgresSecretsSchema, dialect });
    const records: WriteRecord[] = Array.from({ length: 5_000 }, (_, i) => {
      const key = `k${String(i).padStart(4, "0")}`;
      return { key, op: "create", payload: { id: key } };
    });
    const ctx = { key: "id", object: "customers", connection: { settings: {}, secrets: {} } } as unknown as SqlContext;

    const { results } = await destination.delivery.write(ctx, { types: {}, keyType: "text" }, records);

    expect(results.filter((r) => r.status === "failed")).toEqual([
      { key: "k0123", status: "failed", kind: "rejected", message: "new row violates check constraint for k0123" },
      { key: "k3210", status: "failed", kind: "rejected", message: "new row violates check constraint for k3210" },
    ]);
    expect(results.filter((r) => r.status === "ok")).toHaveLength(4_998);
    expect(results.map((r) => r.key)).toEqual(records.map((r) => r.key));
    expect(statements.length).toBeLessThanOrEqual(60);
  });
});
