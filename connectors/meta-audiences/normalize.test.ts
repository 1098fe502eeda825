import { describe, expect, it } from "vitest";
import { generateDemoData } from "@/lib/demo/generate";
import { buildRow, IDENTIFIERS, type Identifier, normalise, previewPayload, sha256 } from "./normalize";
import { callingCodes } from "../shared/calling-codes";
import { connectorContext } from "@/lib/http/context";
import { manualClock } from "@/test/clock";
import { metaAudiences } from ".";
import { metaAudiencesSettingsSchema } from "./config";

/**
 * Expected hashes are literals: Meta's two published vectors (the fact sheet §4, from the custom audience
 * guide) and, for the other keys, `printf '%s' <normalised value> | sha256sum` of the value Meta's rules give.
 */
const META_EMAIL = "f1904cf1a9d73a55fa5de0ac823c4403ded71afd4c3248d00bdcd0866552bb79"; // mary@example.com
const META_PHONE = "1ef970831d7963307784fa8688e8fce101a15685d62aa765fed23f3a2c576a4e"; // 15559876543

/** The connector's clock in these tests: birth years go up to 2026. */
const NOW = Date.parse("2026-06-01T00:00:00Z");
const YEAR = 2026;

const sent = (key: Identifier, value: unknown, context: Record<string, unknown> = {}) => buildRow({ ...context, [key]: value }, [key], NOW).identifiers[key];
const vectors: [Identifier, unknown, Record<string, unknown>, string, string][] = [
  // key, input, other mapped fields, normalised, SHA-256
  ["EMAIL", "mary@example.com", {}, "mary@example.com", META_EMAIL],
  ["EMAIL", "  Mary@Example.COM ", {}, "mary@example.com", META_EMAIL],
  ["EMAIL", "MARY@EXAMPLE.COM\t", {}, "mary@example.com", META_EMAIL],
  ["PHONE", "15559876543", {}, "15559876543", META_PHONE],
  ["PHONE", "+1 (555) 987-6543", {}, "15559876543", META_PHONE],
  ["PHONE", "001 555 987 6543", {}, "15559876543", META_PHONE],
  ["PHONE", "1-555-987-6543", {}, "15559876543", META_PHONE],
  ["PHONE", "(555) 987-6543", { COUNTRY: "US" }, "15559876543", META_PHONE],
  ["PHONE", "+33 612 345 678", {}, "33612345678", "8a3e7886c9335e82e02299fa3e87b46e2de3b0c63d56003e30a5029394a47661"],
  ["PHONE", "0033612345678", {}, "33612345678", "8a3e7886c9335e82e02299fa3e87b46e2de3b0c63d56003e30a5029394a47661"],
  ["PHONE", "06 12 34 56 78", { COUNTRY: "FR" }, "33612345678", "8a3e7886c9335e82e02299fa3e87b46e2de3b0c63d56003e30a5029394a47661"],
  ["PHONE", "+33 (0)6 12 34 56 78", {}, "33612345678", "8a3e7886c9335e82e02299fa3e87b46e2de3b0c63d56003e30a5029394a47661"],
  ["PHONE", "06 1234 5678", { COUNTRY: "it" }, "390612345678", "472e1123cd4e2f66f1df06bd488dc6135dab8f80cbfcc4af144d042c005f0fb2"],
  ["PHONE", "0612345678", {}, "612345678", "d500e1b5b11d4a3049f3a6761ac1720f7d33ffc18160dc9ca1a68cbcd1948d9c"],
  // A national number written without its trunk 0 still takes the country code from COUNTRY [H].
  ["PHONE", "6 12 34 56 78", { COUNTRY: "FR" }, "33612345678", "8a3e7886c9335e82e02299fa3e87b46e2de3b0c63d56003e30a5029394a47661"],
  ["PHONE", "7700 900123", { COUNTRY: "GB" }, "447700900123", "033134b911b137918338415ee3d20a064b24773d36a3b02e8b99fdd3fcd6b4cd"],
  ["PHONE", "(0)20 7946 0958", { COUNTRY: "GB" }, "442079460958", "35e206e5dec4c89b9e8b71b8c32724a5bb518483ac5a20c6617d738375b3b823"],
  ["PHONE", "312 345 6789", { COUNTRY: "IT" }, "393123456789", "d9a27e2ad72d999f13a6f1ec26b5cd9c74151c5cfb39a3efbf40054aa99d97a5"],
  // Digits that already start with the calling code keep it once.
  ["PHONE", "33 6 12 34 56 78", { COUNTRY: "FR" }, "33612345678", "8a3e7886c9335e82e02299fa3e87b46e2de3b0c63d56003e30a5029394a47661"],
  ["PHONE", "15559876543", { COUNTRY: "US" }, "15559876543", META_PHONE],
  ["PHONE", "+49 151 12345678", { COUNTRY: "FR" }, "4915112345678", "8efb96404be52f6109b9db0f687274a81e9e3cc23fabd6f0da5d38baa3d2facd"],
  ["FN", "Mary", {}, "mary", "6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec"],
  ["FN", "  Émilie ", {}, "émilie", "2863487194ad92314c0d76b8e4fe04d127789e79c94081329c682b7beea2bf6c"],
  ["FN", "E\u0301milie", {}, "émilie", "2863487194ad92314c0d76b8e4fe04d127789e79c94081329c682b7beea2bf6c"],
  ["FN", "Anne-Marie", {}, "annemarie", "67495eb5715de43c26f7c18b25cc7f62a7540236516bd59d5162a6f743598083"],
  ["FN", "JOSÉ.", {}, "josé", "d994e1d001886fe5b45b1267bd1fa2b752ac50742579bd3dad7b2a2aa0ed6866"],
  ["LN", "O'Brien", {}, "obrien", "b4cb6cb33fe4b865868de825023a1e2790dc12ac01ecc8d7c5afe8254071c8ba"],
  ["LN", "Smith-Jones ", {}, "smithjones", "6a77f47e3dec33252edbebb457d65e90501b643806c50cf8d6c3e2bd9cb74681"],
  ["LN", "MÜLLER", {}, "müller", "2dbd218072117713f2d5996a726a9b216ed791ffd0783b6ba4ab6d61b8333192"],
  ["CT", "Menlo Park", {}, "menlopark", "0007a3d64c01e23d5075203c5977c14e4f7e01a3fc570686fcc50b5e1dd42685"],
  ["CT", "München", {}, "munchen", "8a3978d5bc1730b70a040917150b3d6e9a21d5ddfb173b98517ce29e43fcb360"],
  ["CT", "Frankfurt am Main", {}, "frankfurtammain", "825051ba993e21e15aa1f6f0d63513532c76df19302521b0a339009429693b71"],
  ["CT", "St. Louis", {}, "stlouis", "8ba24bdf99947996f3000259be455de791b06fcc0e802ce05031030df1ee8ea3"],
  ["ST", "California", {}, "ca", "6959097001d10501ac7d54c0bdb8db61420f658f2922cc26e46d536119a31126"],
  ["ST", "CA", { COUNTRY: "US" }, "ca", "6959097001d10501ac7d54c0bdb8db61420f658f2922cc26e46d536119a31126"],
  ["ST", " new york ", {}, "ny", "1b06e2003f8420d6fa42badd8f77ec0f706b976b7a48b13c567dc5a559681683"],
  ["ST", "Île-de-France", { COUNTRY: "FR" }, "iledefrance", "e7a0efad69ad8cd77fcd8218439ad69182b24d819222f038eb166fa4139ef159"],
  ["ZIP", "94035-1234", {}, "94035", "1794327a4d443904421f5ca1f3d72d0a62ba2f0770d80755ec2220fc0efb052e"],
  ["ZIP", "2134", { COUNTRY: "US" }, "02134", "1f75e2dac5b82521f112e293235aaeeb5dad684c5ede8469c1ec015b22bba44c"],
  ["ZIP", "SW1A 1AA", { COUNTRY: "GB" }, "sw1a1", "949af780a19e6f6d4b99d7044743348dbbb7ab2245fe146863573b23d02c5890"],
  ["ZIP", " 75001 ", { COUNTRY: "FR" }, "75001", "3f089dbdff98360a35193e7d401b76b21f5c0d5d6fb76a28660aaaed83a4c3e3"],
  ["COUNTRY", " US ", {}, "us", "79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621"],
  ["COUNTRY", "fr", {}, "fr", "67ad8f41a7bb0a18c45f3efd8f6a32bdcd832bcf8f3f2eb44006c03d53076e18"],
  ["COUNTRY", "UK", {}, "gb", "0b407281768f0e833afef47ed464b6571d01ca4d53c12ce5c51d1462f4ad6677"],
  ["DOBY", "1985-03-14", {}, "1985", "78e370b587b145920213731b7c7c725e512b3b6577c51c800218a7c764c532ae"],
  ["DOBY", "14/03/1985", {}, "1985", "78e370b587b145920213731b7c7c725e512b3b6577c51c800218a7c764c532ae"],
  ["DOBY", 1985, {}, "1985", "78e370b587b145920213731b7c7c725e512b3b6577c51c800218a7c764c532ae"],
  ["DOBY", new Date("1985-03-14T00:00:00Z"), {}, "1985", "78e370b587b145920213731b7c7c725e512b3b6577c51c800218a7c764c532ae"],
  ["GEN", "Female", {}, "f", "252f10c83610ebca1a059c0bae8255eba2f95be4d1d7bcfa89d7248a82d9f111"],
  ["GEN", " M ", {}, "m", "62c66a7a5dd70c3146618063c344e531e6d4b59e379808443ce962b3abd63c5a"],
];

describe("normalising and hashing as Meta documents", () => {
  it.each(vectors)("%s %j → %s", (key, input, context, normalised, hash) => {
    const country = context.COUNTRY === undefined ? null : normalise("COUNTRY", context.COUNTRY, null, YEAR).value;
    expect(normalise(key, input, country, YEAR).value).toBe(normalised);
    expect(sent(key, input, context)).toBe(hash);
  });

  it("sends EXTERN_ID as it is (trimmed), and refuses one that is an email address, which would leave unhashed", () => {
    expect(sent("EXTERN_ID", " c_00001 ")).toBe("c_00001");
    expect(normalise("EXTERN_ID", "mary@example.com", null, YEAR)).toEqual({ value: null, note: expect.stringContaining("sent unhashed") });
  });

  it.each([
    ["EMAIL", "mary at example.com", "is not an email address"],
    ["PHONE", "n/a", "has no digits"],
    ["PHONE", "12345", "has 5 digits"],
    ["COUNTRY", "France", "is not an ISO 3166-1 alpha-2 country code"],
    ["DOBY", "1850", "is not a birth year"],
    ["DOBY", "soon", "is not a birth year"],
    ["GEN", "x", "is not m or f"],
    ["ZIP", "ABCDE", "is not a US ZIP code"],
  ] as const)("leaves %s %j out, saying why", (key, input, why) => {
    const row = buildRow({ [key]: input, ...(key === "ZIP" ? { COUNTRY: "US" } : {}) }, [key], NOW);
    expect(row.identifiers[key]).toBeUndefined();
    expect(row.problems).toEqual([expect.stringContaining(why)]);
  });

  it("takes birth years up to the year of the connector's clock", () => {
    expect(buildRow({ DOBY: "2030" }, ["DOBY"], Date.parse("2031-01-01T00:00:00Z")).identifiers.DOBY).toBe(sha256("2030"));
    expect(buildRow({ DOBY: "2030" }, ["DOBY"], Date.parse("2029-12-31T23:59:59Z")).problems).toEqual(["DOBY is not a birth year (YYYY, 1900 to this year)"]);
    const connection = { settings: metaAudiencesSettingsSchema.parse({ adAccountId: "act_1234" }), secrets: { accessToken: "EAAB" } };
    const preview = metaAudiences.preview!({ ...connectorContext(connection), clock: manualClock(Date.parse("2031-01-01T00:00:00Z")) }, "audience", { DOBY: "2030" }, {});
    expect(preview.fields).toEqual([{ name: "DOBY", value: "2030", normalised: "2030", sent: sha256("2030") }]);
  });

  it("treats empty values as unknown (\"\" in the row), not as a problem", () => {
    const row = buildRow({ EMAIL: "  ", PHONE: null, FN: "Mary" }, ["EMAIL", "PHONE", "FN"], NOW);
    expect(row.identifiers).toEqual({ FN: "6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec" });
    expect(row.problems).toEqual([]);
  });

  it("previews each field as value → normalised → what is sent", () => {
    const preview = previewPayload({ EXTERN_ID: "c_00042", EMAIL: " Mary@Example.COM", PHONE: "06 12 34 56 78", COUNTRY: "FR", GEN: "?", loyalty_tier: "gold" }, NOW);
    expect(preview.fields).toEqual([
      { name: "EXTERN_ID", value: "c_00042", normalised: "c_00042", sent: "c_00042", note: expect.stringContaining("not require EXTERN_ID hashed") },
      { name: "EMAIL", value: " Mary@Example.COM", normalised: "mary@example.com", sent: META_EMAIL },
      { name: "PHONE", value: "06 12 34 56 78", normalised: "33612345678", sent: "8a3e7886c9335e82e02299fa3e87b46e2de3b0c63d56003e30a5029394a47661", note: "national number: country code 33 added from COUNTRY" },
      { name: "GEN", value: "?", normalised: null, sent: null, note: "is not m or f: not sent" },
      { name: "COUNTRY", value: "FR", normalised: "fr", sent: "67ad8f41a7bb0a18c45f3efd8f6a32bdcd832bcf8f3f2eb44006c03d53076e18" },
      { name: "loyalty_tier", value: "gold", normalised: null, sent: null, note: "not an identifier Meta takes: not sent" },
    ]);
  });

  it("turns every demo contact's messy values into lowercase-hex hashes that never contain the raw value", () => {
    const { contacts } = generateDemoData({ contacts: 400, products: 1, orders: 1, orderItems: 1 });
    const keys = IDENTIFIERS.filter((k) => k !== "ZIP" && k !== "ST" && k !== "GEN");
    let nationalPhones = 0;
    for (const c of contacts) {
      const payload = { EXTERN_ID: c.id, EMAIL: c.email, PHONE: c.phone, FN: c.firstName, LN: c.lastName, CT: c.city, COUNTRY: c.country, DOBY: c.birthDate };
      const row = buildRow(payload, keys, NOW);
      for (const [key, value] of Object.entries(row.identifiers)) if (key !== "EXTERN_ID") expect(value).toMatch(/^[0-9a-f]{64}$/);
      const raw = [c.email, c.phone, c.firstName, c.lastName, c.city].filter(Boolean).map((v) => v!.trim().toLowerCase());
      expect(Object.values(row.identifiers).some((v) => raw.includes(v.toLowerCase()))).toBe(false);
      expect(row.problems).toEqual([]);
      expect(normalise("EMAIL", c.email, null, YEAR).value).toBe(c.email.trim().toLowerCase());
      if (c.phone) {
        // +33…, "+33 612 …", 0033… and the national 0… all become the country code and the number.
        // (In Italy the leading 0 belongs to the number and stays after +39.)
        const phone = normalise("PHONE", c.phone, c.country.toLowerCase(), YEAR).value!;
        const zero = c.country === "IT" && /^0[1-9]/.test(c.phone) ? "0" : "";
        expect(phone).toMatch(new RegExp(`^${callingCodes.get(c.country.toUpperCase())}${zero}[1-9]\\d{8}$`));
        if (/^0[1-9]/.test(c.phone)) nationalPhones++;
      }
    }
    expect(nationalPhones).toBeGreaterThan(20);
    expect(contacts.some((c) => c.email !== c.email.toLowerCase())).toBe(true);
  });
});
