import { describe, expect, it } from "vitest";
import * as openapiRoute from "@/app/api/v1/openapi.json/route";
import { describeAuditAction, runModes, runTriggers, shownRunStatuses } from "./vocabulary";

type Schema = { enum?: string[]; properties?: Record<string, Schema>; items?: Schema; $ref?: string };
type Doc = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>>; components?: { schemas?: Record<string, Schema> } };

async function runSchema() {
  const doc = (await openapiRoute.GET(new Request("http://localhost:3000/api/v1/openapi.json")).json()) as Doc;
  const schema = doc.paths["/runs/{id}"]!.get!.responses["200"]!.content!["application/json"]!.schema;
  const resolve = (s: Schema): Schema => (s.$ref ? resolve(doc.components!.schemas![s.$ref.split("/").at(-1)!]!) : s);
  const run = resolve(schema);
  return run.properties?.data ? resolve(run.properties.data) : run;
}

describe("the vocabulary", () => {
  it("is what the REST API documents for a run's status, mode and trigger", async () => {
    const run = await runSchema();
    expect(run.properties!.status!.enum).toEqual([...shownRunStatuses]);
    expect(run.properties!.mode!.enum).toEqual([...runModes]);
    expect(run.properties!.trigger!.enum).toEqual([...runTriggers]);
  });
});

describe("audit actions", () => {
  it("read as words, also a code this version no longer records", () => {
    expect(describeAuditAction("sync.run_started")).toBe("Started a run");
    expect(describeAuditAction("member.reset_link_issued")).toBe("Issued a password reset link");
    expect(describeAuditAction("sync.paused")).toBe("Sync paused");
  });
});
