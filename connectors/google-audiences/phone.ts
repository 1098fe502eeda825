/** Regions (ISO 3166-1 alpha-2) with their telephone country codes, and phone numbers to E.164 with "+". Pure. */
import { callingCodes } from "../shared/calling-codes";

export const isRegionCode = (code: string) => callingCodes.has(code);

/** The national prefix dialled before a domestic number, dropped in E.164: "0" unless listed; none for Italy's 0 (part of the number). */
const trunkPrefix: Record<string, string> = { IT: "", SM: "", VA: "", HU: "06", LT: "8", RU: "8", KZ: "8", BY: "8" };

/**
 * The lengths of national numbers (after the country code) where they are few enough to tell a number
 * written with its country code but no "+" (33612345678) from a national one; other countries are left as written.
 */
const nationalLengths: Record<string, number[]> = { AU: [9], BE: [8, 9], CH: [9], DK: [8], ES: [9], FR: [9], GB: [9, 10], IN: [10], MX: [10], NL: [9], NO: [8], PL: [9], PT: [9], ZA: [9] };

/** The digits already start with the region's code, and only read that way do they have a national number's length. */
function carriesCode(digits: string, code: string, region: string) {
  const lengths = nationalLengths[region];
  return Boolean(lengths && digits.startsWith(code) && lengths.includes(digits.length - code.length) && !lengths.includes(digits.length));
}

/** "+44 (0)20 …": a parenthesised trunk 0 is dialled only at home, so it goes; where the 0 is part of the number (Italy) it stays. */
function dropTrunkMarker(text: string, region?: string) {
  const marker = /\(\s*0\s*\)/.exec(text);
  if (!marker) return text;
  const before = text.slice(0, marker.index);
  const lead = before.replace(/\D/g, "").replace(/^00/, "");
  const country = /^(\+|00)/.test(text) ? [...callingCodes].find(([, code]) => code === lead)?.[0] : region;
  const zero = country !== undefined && trunkPrefix[country] === "" ? "0" : "";
  return `${before}${zero}${text.slice(marker.index + marker[0].length)}`;
}

export type PhoneOutcome = { ok: true; value: string } | { ok: false; error: string };

/**
 * A phone number in E.164 with its "+" (Google's rule: `(800)555-0100` → `+18005550100`). Numbers written
 * with "+" or the 00 international prefix carry their country; national numbers take the region's code
 * and lose their trunk prefix (`0612345678` in FR → `+33612345678`, `+44 (0)20…` → `+4420…`), unless they
 * already carry the code (`33612345678` in FR).
 */
export function normalizePhone(raw: string, region?: string): PhoneOutcome {
  const text = dropTrunkMarker(raw.trim().replace(/\s*(?:ext\.?|x|#)\s*\d+$/i, ""), region);
  if (/[a-z]/i.test(text)) return { ok: false, error: `phone "${raw}" has letters in it` };
  let digits = text.replace(/\D/g, "");
  if (text.startsWith("+")) {
    // Already international.
  } else if (digits.startsWith("00")) digits = digits.slice(2);
  else if (region && callingCodes.get(region) === "1" && digits.startsWith("011")) digits = digits.slice(3);
  else if (region && callingCodes.has(region)) {
    const code = callingCodes.get(region)!;
    if (code === "1") digits = digits.length === 11 && digits.startsWith("1") ? digits.slice(1) : digits;
    else {
      const trunk = trunkPrefix[region] ?? "0";
      if (trunk && digits.startsWith(trunk)) digits = digits.slice(trunk.length);
      else if (carriesCode(digits, code, region)) digits = digits.slice(code.length);
    }
    digits = `${code}${digits}`;
  } else
    return {
      ok: false,
      error: `phone "${raw}" has no country code: write it as +<country code>…, map region_code, or set the connection's default phone country`,
    };
  if (!/^[1-9]\d{6,14}$/.test(digits)) return { ok: false, error: `phone "${raw}" is not a phone number (E.164 has 7 to 15 digits after the +)` };
  return { ok: true, value: `+${digits}` };
}
