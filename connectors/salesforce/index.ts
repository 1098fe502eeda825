import "server-only";
import { directHttpClient } from "@/lib/sync/http";
import { isRunFatal } from "../shared/api";
import { type Connector, DestinationConfigError } from "../types";
import { apiUsage, errorText } from "./answers";
import { assertPermitted, describeObject, sfCall } from "./client";
import { type SalesforceSecrets, type SalesforceSettings, salesforceSecretsSchema, salesforceSettingsSchema } from "./config";
import { salesforceManifest } from "./manifest";
import { destinationFields, writableObjects } from "./schema";
import { assertNotStopped, beginWriting, readRecords, type SalesforceState, writeRecords } from "./write";

export const salesforce: Connector<SalesforceSettings, SalesforceSecrets> = {
  manifest: salesforceManifest,
  settingsSchema: salesforceSettingsSchema,
  secretsSchema: salesforceSecretsSchema,

  /** Logs in and lists the objects (a cheap call every user with API access may make), with the org's API usage. */
  async test(connection) {
    try {
      const a = await sfCall(directHttpClient(), connection, { method: "GET", path: "/sobjects" });
      assertPermitted(a, "listing objects");
      if (a.status !== 200) return { ok: false, message: `Salesforce answered ${a.status} to the object list: ${errorText(a)}` };
      const count = ((a.json as { sobjects?: unknown[] }).sobjects ?? []).length;
      const usage = apiUsage(a.headers);
      return {
        ok: true,
        message: `Logged in: ${count} objects visible${usage ? `; ${usage.used.toLocaleString("en")} of ${usage.max.toLocaleString("en")} API calls used in the last 24 hours` : ""}`,
      };
    } catch (error) {
      if (isRunFatal(error)) return { ok: false, message: (error as Error).message };
      return { ok: false, message: `Could not reach Salesforce: ${(error as Error).message}` };
    }
  },

  listObjects: (connection) => writableObjects(directHttpClient(), connection),

  async listFields(connection, object) {
    const described = await describeObject(directHttpClient(), connection, object);
    if (!described) throw new DestinationConfigError(`Salesforce has no object "${object}" that the integration user can see`);
    return destinationFields(described.fields);
  },

  read: readRecords,

  delivery: {
    begin: beginWriting,
    write: (ctx, state, records) => writeRecords(ctx, state as SalesforceState, records),
    async commit(_ctx, state) {
      assertNotStopped(state as SalesforceState);
      return {};
    },
    async abort() {},
  },
};
