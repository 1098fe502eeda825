/** Settings and secrets of a Salesforce connection: a connected app's OAuth 2.0 client credentials or JWT bearer flow. Client-safe. */
import { z } from "zod";

export const SALESFORCE_AUDIENCES = ["https://login.salesforce.com", "https://test.salesforce.com"] as const;

export const salesforceSettingsSchema = z
  .strictObject({
    auth: z.enum(["client_credentials", "jwt_bearer"]).default("client_credentials").meta({
      description: "client_credentials: the connected app's consumer key and secret, run as its execution user. jwt_bearer: a JWT signed with the private key of the app's certificate, for a pre-authorized user.",
    }),
    myDomainUrl: z
      .url({ protocol: /^https$/, error: "Enter your org's My Domain URL, such as https://acme.my.salesforce.com" })
      .max(300)
      .meta({ description: "Setup → My Domain, such as https://acme.my.salesforce.com: where the connector logs in." }),
    clientId: z.string().trim().min(1, "Enter the connected app's consumer key").max(500).meta({ description: "The connected app's consumer key." }),
    username: z.string().trim().max(200).optional().meta({ description: "JWT bearer: the Salesforce username the app acts as (it must be pre-authorized on the app)." }),
    audience: z.enum(SALESFORCE_AUDIENCES).default("https://login.salesforce.com").meta({
      description: "JWT bearer: https://login.salesforce.com for a production org, https://test.salesforce.com for a sandbox org.",
    }),
    apiVersion: z
      .string()
      .regex(/^\d{2,3}\.0$/, 'A REST API version such as "62.0"')
      .default("62.0")
      .meta({ advanced: true, description: "The REST API version called (upserts by collection need 46.0 or later)." }),
    // Not the shared apiBaseUrl(default) helper: only the login host may be replaced. API calls always go to the
    // instance_url Salesforce names at login, so a test server stands in for My Domain and names its own instance.
    loginUrl: z
      .url({ protocol: /^https?$/, error: "Enter the URL to log in at, starting with https://, or leave it empty to log in at My Domain" })
      .max(500)
      .optional()
      .meta({
        advanced: true,
        description: "Only for a proxy or a test server: the connector logs in here instead of at My Domain. API calls still go to the instance URL Salesforce names at login.",
      }),
  })
  .superRefine((s, ctx) => {
    if (s.auth === "jwt_bearer" && !s.username) ctx.addIssue({ code: "custom", path: ["username"], message: "Enter the Salesforce username the JWT is issued for" });
  });

// An unencrypted key: the connector has no passphrase to open an encrypted one.
const PEM_PRIVATE_KEY = /-----BEGIN (RSA )?PRIVATE KEY-----[\s\S]+-----END (RSA )?PRIVATE KEY-----/;

export const salesforceSecretsSchema = z.strictObject({
  clientSecret: z.string().trim().max(500).optional().meta({ description: "Client credentials: the connected app's consumer secret." }),
  privateKey: z
    .string()
    .trim()
    .max(20_000)
    .regex(PEM_PRIVATE_KEY, "Paste the unencrypted PEM private key, from -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY-----")
    .optional()
    .meta({ description: "JWT bearer: the PEM private key whose certificate is uploaded on the connected app.", multiline: true }),
});

export type SalesforceSettings = z.output<typeof salesforceSettingsSchema>;
export type SalesforceSecrets = z.output<typeof salesforceSecretsSchema>;
