import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { draftMember, encodeDigest, normalizeConsent, normalizeEmail, normalizeName, normalizePostal, normalizeRegion, readIdentifiers, sha256Hex, staleIdentifiers, userIdentifiers } from "./normalize";
import { callingCodes } from "../shared/calling-codes";
import { normalizePhone } from "./phone";

const ok = (value: string) => ({ ok: true, value });
const sha = (s: string) => crypto.createHash("sha256").update(s).digest("hex");

describe("Google's published examples (Data Manager 'Format user data', via the fact sheet)", () => {
  it("hashes +18005550100 to the sheet's hex digest and cloudysanfrancisco@gmail.com to its base64 digest", () => {
    expect(encodeDigest(sha256Hex("+18005550100"), "HEX")).toBe("fb4f73a6ec5fdb7077d564cdd22c3554b43ce49168550c3b12c547b78c517b30");
    expect(encodeDigest(sha256Hex("cloudysanfrancisco@gmail.com"), "BASE64")).toBe("Ij69pvaImxSUVRupAtnTgdry9kK64FWIjpY0PVPp+cQ=");
  });

  it("emails: lower-cased; Gmail dots and +tags dropped; other domains keep them", () => {
    expect(normalizeEmail("cloudy.sanfrancisco+shopping@gmail.com")).toEqual(ok("cloudysanfrancisco@gmail.com"));
    expect(normalizeEmail("user.name+NYC@Example.com")).toEqual(ok("user.name+nyc@example.com"));
  });

  it("phones: (800)555-0100 in the US becomes +18005550100, whose digest is the sheet's", () => {
    const phone = normalizePhone("(800)555-0100", "US");
    expect(phone).toEqual(ok("+18005550100"));
    const member = draftMember({ phone: "(800)555-0100", region_code: "US" }, { encoding: "HEX" });
    expect(member.identifiers.phoneNumber).toBe("fb4f73a6ec5fdb7077d564cdd22c3554b43ce49168550c3b12c547b78c517b30");
  });

  it("names: lower-cased, without prefixes such as Mrs. or suffixes such as Jr.", () => {
    expect(normalizeName("Mrs. Jane", "given")).toEqual(ok("jane"));
    expect(normalizeName("Doe Jr.", "family")).toEqual(ok("doe"));
  });

  it("region codes are ISO 3166-1 alpha-2 and postal codes US 5 digits or ZIP+4, other countries as written", () => {
    expect(normalizeRegion("us")).toEqual(ok("US"));
    expect(normalizePostal("94303", "US")).toEqual(ok("94303"));
    expect(normalizePostal("94303-5300", "US")).toEqual(ok("94303-5300"));
    expect(normalizePostal("WC2H 8LG", "GB")).toEqual(ok("WC2H 8LG"));
  });
});

describe("messy values, as the demo data has them", () => {
  it("upper-case and padded emails, Gmail dots and +tags on gmail.com and googlemail.com", () => {
    expect(normalizeEmail("  JANE.DOE@GMAIL.COM ")).toEqual(ok("janedoe@gmail.com"));
    expect(normalizeEmail("Jane.Doe+promo@GoogleMail.com")).toEqual(ok("janedoe@googlemail.com"));
    expect(normalizeEmail("Jane.Doe+promo@Yahoo.com")).toEqual(ok("jane.doe+promo@yahoo.com"));
    expect(normalizeEmail("jane doe@proton.me")).toEqual(ok("janedoe@proton.me"));
    expect(normalizeEmail("not-an-email")).toMatchObject({ ok: false, error: 'email "not-an-email" is not an email address' });
    expect(normalizeEmail("a@b@c.com").ok).toBe(false);
    expect(normalizeEmail("+tag@gmail.com")).toMatchObject({ ok: false });
  });

  it("phones with spaces, national numbers with their trunk 0, and the 00 prefix all become E.164", () => {
    expect(normalizePhone("+33 612 345 678")).toEqual(ok("+33612345678"));
    expect(normalizePhone("0612345678", "FR")).toEqual(ok("+33612345678"));
    expect(normalizePhone("0033612345678")).toEqual(ok("+33612345678"));
    expect(normalizePhone("030 1234567", "DE")).toEqual(ok("+49301234567"));
    expect(normalizePhone("020 7946 0958", "GB")).toEqual(ok("+442079460958"));
    // Italy keeps its leading 0: it is part of the number.
    expect(normalizePhone("06 1234 5678", "IT")).toEqual(ok("+390612345678"));
    expect(normalizePhone("1 (234) 567-8910", "US")).toEqual(ok("+12345678910"));
    expect(normalizePhone("011 44 20 7946 0958", "US")).toEqual(ok("+442079460958"));
    expect(normalizePhone("+1 800 555 0100 ext. 12")).toEqual(ok("+18005550100"));
  });

  it('drops a "(0)" trunk marker, except where the 0 is part of the number (Italy)', () => {
    expect(normalizePhone("+44 (0)20 7946 0958")).toEqual(ok("+442079460958"));
    expect(normalizePhone("+44(0)2079460958", "FR")).toEqual(ok("+442079460958"));
    expect(normalizePhone("0044 (0)20 7946 0958")).toEqual(ok("+442079460958"));
    expect(normalizePhone("(0)20 7946 0958", "GB")).toEqual(ok("+442079460958"));
    expect(normalizePhone("+49 (0) 30 1234567")).toEqual(ok("+49301234567"));
    expect(normalizePhone("+39 (0)6 1234 5678")).toEqual(ok("+390612345678"));
  });

  it("does not prepend the region's calling code to digits that already start with it, when only that reading has a national number's length", () => {
    expect(normalizePhone("33612345678", "FR")).toEqual(ok("+33612345678"));
    expect(normalizePhone("33 6 12 34 56 78", "FR")).toEqual(ok("+33612345678"));
    expect(normalizePhone("442079460958", "GB")).toEqual(ok("+442079460958"));
    expect(draftMember({ phone: "33612345678", region_code: "FR" }, { encoding: "HEX" }).identifiers.phoneNumber).toBe(sha("+33612345678"));
    // National numbers that merely begin with the code's digits keep getting it.
    expect(normalizePhone("333123456", "FR")).toEqual(ok("+33333123456"));
    expect(normalizePhone("3931234567", "IT")).toEqual(ok("+393931234567"));
  });

  it("refuses phones that cannot become E.164, saying why", () => {
    expect(normalizePhone("0612345678")).toMatchObject({ ok: false, error: expect.stringContaining("has no country code") });
    expect(normalizePhone("1-800-FLOWERS", "US")).toMatchObject({ ok: false, error: expect.stringContaining("letters") });
    expect(normalizePhone("+33 12", "FR")).toMatchObject({ ok: false, error: expect.stringContaining("7 to 15 digits") });
  });

  it("names keep their letters (accents too) but lose punctuation, padding and titles", () => {
    expect(normalizeName(" Zoë ", "given")).toEqual(ok("zoë"));
    expect(normalizeName("O'Brien", "family")).toEqual(ok("obrien"));
    expect(normalizeName("Dr. Jean-Luc", "given")).toEqual(ok("jeanluc"));
    expect(normalizeName("Smith, III", "family")).toEqual(ok("smith"));
    expect(normalizeName("Mrs", "given")).toEqual(ok("mrs"));
    expect(normalizeName("...", "given").ok).toBe(false);
  });

  it("refuses unknown region codes and malformed ZIP codes; reads ZIP+4 without its dash", () => {
    expect(normalizeRegion("XX").ok).toBe(false);
    expect(normalizeRegion("France").ok).toBe(false);
    expect(normalizePostal("943035300", "US")).toEqual(ok("94303-5300"));
    expect(normalizePostal("9430", "US").ok).toBe(false);
    expect(callingCodes.size).toBe(249);
  });

  it("reads consent from booleans, GRANTED/DENIED and the consents entity's statuses; empty leaves the default", () => {
    expect(normalizeConsent("ad_user_data", true)).toEqual({ ok: true, value: "CONSENT_GRANTED" });
    expect(normalizeConsent("ad_user_data", "DENIED")).toEqual({ ok: true, value: "CONSENT_DENIED" });
    expect(normalizeConsent("ad_user_data", "withdrawn")).toEqual({ ok: true, value: "CONSENT_DENIED" });
    expect(normalizeConsent("ad_user_data", "CONSENT_GRANTED")).toEqual({ ok: true, value: "CONSENT_GRANTED" });
    expect(normalizeConsent("ad_user_data", null)).toEqual({ ok: true });
    expect(normalizeConsent("ad_user_data", "maybe")).toMatchObject({ ok: false });
  });
});

describe("the member a record becomes", () => {
  it("hashes each identifier after normalising it, sends region and postal code in clear, in the declared encoding", () => {
    const payload = { member_id: "c_1", email: " Jane.Doe@Gmail.com", phone: "06 12 34 56 78", first_name: "Mrs. Jane", last_name: "Doe Jr.", region_code: "fr", postal_code: "75001", ad_user_data: "granted" };
    const draft = draftMember(payload, { encoding: "BASE64", key: "member_id" });
    expect(draft.problems).toEqual([]);
    expect(draft.identifiers).toEqual({
      emailAddress: sha("janedoe@gmail.com"),
      phoneNumber: sha("+33612345678"),
      address: { givenName: sha("jane"), familyName: sha("doe"), regionCode: "FR", postalCode: "75001" },
    });
    expect(draft.consent).toEqual({ adUserData: "CONSENT_GRANTED" });
    const b64 = (hex: string) => Buffer.from(hex, "hex").toString("base64");
    expect(userIdentifiers(draft.identifiers, "BASE64")).toEqual([
      { emailAddress: b64(sha("janedoe@gmail.com")) },
      { phoneNumber: b64(sha("+33612345678")) },
      { address: { givenName: b64(sha("jane")), familyName: b64(sha("doe")), regionCode: "FR", postalCode: "75001" } },
    ]);
    expect(draft.preview.find((f) => f.name === "email")).toEqual({ name: "email", value: " Jane.Doe@Gmail.com", normalised: "janedoe@gmail.com", sent: b64(sha("janedoe@gmail.com")) });
    expect(draft.preview.find((f) => f.name === "member_id")).toMatchObject({ sent: null, note: expect.stringContaining("not sent") });
  });

  it("sends no address unless all four parts are there, and takes the phone's country from region_code or the default", () => {
    const draft = draftMember({ email: "a@example.com", phone: "0612345678", first_name: "Jane", region_code: "FR" }, { encoding: "HEX" });
    expect(draft.problems).toEqual([]);
    expect(draft.identifiers.address).toBeUndefined();
    expect(draft.identifiers.phoneNumber).toBe(sha("+33612345678"));
    expect(draft.preview.find((f) => f.name === "first_name")).toMatchObject({ normalised: "jane", sent: null, note: expect.stringContaining("all given") });
    expect(draftMember({ phone: "0612345678" }, { encoding: "HEX", phoneCountry: "FR" }).identifiers.phoneNumber).toBe(sha("+33612345678"));
  });

  it("leaves out an identifier Google would refuse when another one is valid; lists why a record cannot be sent at all", () => {
    const withPhone = draftMember({ email: "not-an-email", phone: "+33612345678" }, { encoding: "HEX" });
    expect(withPhone).toMatchObject({ problems: [], dropped: ['email "not-an-email" is not an email address'], identifiers: { phoneNumber: sha("+33612345678") } });
    expect(withPhone.identifiers.emailAddress).toBeUndefined();
    expect(draftMember({ email: "not-an-email", phone: "0110144415", region_code: "US" }, { encoding: "HEX" })).toMatchObject({
      problems: ['email "not-an-email" is not an email address', expect.stringMatching(/^phone "0110144415" is not a phone number/)],
      dropped: [],
    });
    expect(draftMember({ first_name: "Jane", region_code: "XX" }, { encoding: "HEX" }).problems).toEqual([expect.stringContaining('region_code "XX"')]);
    expect(draftMember({ email: null, phone: "" }, { encoding: "HEX" }).problems).toEqual([expect.stringMatching(/^No identifier to match on/)]);
    expect(draftMember({ email: "a@example.com", ad_personalization: "perhaps" }, { encoding: "HEX" }).problems).toEqual([expect.stringContaining("is not a consent")]);
  });

  it("keeps stored identifiers only when well-formed, and finds those a member no longer has", () => {
    const before = { emailAddress: sha("old@example.com"), phoneNumber: sha("+33612345678") };
    const after = { emailAddress: sha("new@example.com"), phoneNumber: sha("+33612345678") };
    expect(readIdentifiers(before)).toEqual(before);
    expect(readIdentifiers({ emailAddress: "not-a-digest" })).toBeUndefined();
    expect(readIdentifiers(null)).toBeUndefined();
    expect(staleIdentifiers(before, after)).toEqual({ emailAddress: sha("old@example.com") });
    expect(staleIdentifiers(after, after)).toBeUndefined();
  });
});
