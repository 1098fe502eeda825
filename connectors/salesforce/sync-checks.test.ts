/** Saving a Salesforce sync asks Salesforce only about the object the sync writes (its describe), never for the list of every object. */
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { createConnection } from "@/lib/connections/save";
import { getDatasetByName } from "@/lib/db/queries/datasets";
import { createSync } from "@/lib/syncs/save";
import { ValidationError } from "@/lib/errors";
import { connectTestDb, newWorkspace } from "@/test/db";
import { sandboxConnection, startSalesforceSandbox } from "./sandbox";

const { db } = connectTestDb();

describe("saving a Salesforce sync", () => {
  it("works while the org's global describe (GET /sobjects) fails: only the object's own describe is read", async () => {
    const sandbox = await startSalesforceSandbox({ globalDescribeFails: true });
    try {
      const workspaceId = await newWorkspace(db, { seed: { contacts: 2, products: 1, orders: 1, orderItems: 1 } });
      const dataset = (await getDatasetByName(db, { workspaceId, name: "Contacts" }))!;
      const connection = await createConnection(db, { workspaceId, connector: "salesforce", name: "Salesforce", ...sandboxConnection(sandbox) });
      const input = (object: string, key: string) => ({
        name: `Contacts to ${object} ${crypto.randomUUID()}`,
        datasetId: dataset.id,
        connectionId: connection.id,
        object,
        mapping: [{ from: { field: "last_name" }, to: "LastName" }],
        matchKey: { from: "id", to: key },
      });
      expect(await createSync(db, { workspaceId, input: input("Contact", "Relay_Id__c") })).toMatchObject({ object: "Contact" });
      expect(await createSync(db, { workspaceId, input: { ...input("Loyalty_Card__c", "Card_Number__c"), mapping: [{ from: { field: "last_name" }, to: "Name" }] } })).toMatchObject({ object: "Loyalty_Card__c" });
      const paths = sandbox.dataRequests().map((r) => `${r.method} ${r.path.replace(/^\/services\/data\/v62\.0/, "")}`);
      expect(paths.filter((p) => p === "GET /sobjects")).toEqual([]);
      expect(paths).toContain("GET /sobjects/Contact/describe");

      // What the object list would not offer is refused as before: no such object, an object without an external ID, a read-only one.
      for (const [object, key] of [["Nope__c", "Id"], ["Call_Note__c", "Id"], ["ContactHistory", "Id"], ["contact", "Relay_Id__c"]])
        await expect(createSync(db, { workspaceId, input: input(object!, key!) })).rejects.toThrow(ValidationError);
      const refused = await createSync(db, { workspaceId, input: input("Call_Note__c", "Id") }).catch((e: ValidationError) => e.fields);
      expect(refused).toMatchObject({ object: ['The destination has no object "Call_Note__c"'] });
    } finally {
      await sandbox.close();
    }
  });
});
