import "server-only";
import { isRunFatal } from "../shared/api";
import { type Connector, DestinationConfigError } from "../types";
import { apiUsage, errorText } from "./answers";
import { assertPermitted, describeObject, sfCall } from "./client";
import { type SalesforceSecrets, type SalesforceSettings, salesforceSecretsSchema, salesforceSettingsSchema } from "./config";
import { salesforceManifest } from "./manifest";
import { destinationFields, writableObject, writableObjects } from "./schema";
import { assertNotStopped, beginWriting, readRecords, type SalesforceState, writeRecords } from "./write";

export const salesforce: Connector<SalesforceSettings, SalesforceSecrets, SalesforceState> = {
  manifest: salesforceManifest,
  settingsSchema: salesforceSettingsSchema,
  secretsSchema: salesforceSecretsSchema,

  /** Logs in and lists the objects (a cheap call every user with API access may make), with the org's API usage. */
  async test(ctx) {
    try {
      const a = await sfCall(ctx, { method: "GET", path: "/sobjects" });
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

  listObjects: (ctx) => writableObjects(ctx),

  findObject: (ctx, object) => writableObject(ctx, object),

  async listFields(ctx, object) {
    const described = await describeObject(ctx, object);
    if (!described) throw new DestinationConfigError(`Salesforce has no object "${object}" that the integration user can see`);
    return destinationFields(described.fields);
  },

  read: readRecords,

  delivery: {
    begin: beginWriting,
    write: (ctx, state, records) => writeRecords(ctx, state, records),
    async commit(_ctx, state) {
      assertNotStopped(state);
      return {};
    },
    async abort() {},
  },
};
