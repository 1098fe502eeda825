/** Regions (ISO 3166-1 alpha-2) with their telephone country codes, and phone numbers to E.164 with "+". Pure. */

// Every ISO 3166-1 alpha-2 code with its ITU calling code (territories without their own use their sovereign's).
const CALLING = `AD376 AE971 AF93 AG1 AI1 AL355 AM374 AO244 AQ672 AR54 AS1 AT43 AU61 AW297 AX358 AZ994
BA387 BB1 BD880 BE32 BF226 BG359 BH973 BI257 BJ229 BL590 BM1 BN673 BO591 BQ599 BR55 BS1 BT975 BV47 BW267 BY375 BZ501
CA1 CC61 CD243 CF236 CG242 CH41 CI225 CK682 CL56 CM237 CN86 CO57 CR506 CU53 CV238 CW599 CX61 CY357 CZ420
DE49 DJ253 DK45 DM1 DO1 DZ213 EC593 EE372 EG20 EH212 ER291 ES34 ET251 FI358 FJ679 FK500 FM691 FO298 FR33
GA241 GB44 GD1 GE995 GF594 GG44 GH233 GI350 GL299 GM220 GN224 GP590 GQ240 GR30 GS500 GT502 GU1 GW245 GY592
HK852 HM672 HN504 HR385 HT509 HU36 ID62 IE353 IL972 IM44 IN91 IO246 IQ964 IR98 IS354 IT39 JE44 JM1 JO962 JP81
KE254 KG996 KH855 KI686 KM269 KN1 KP850 KR82 KW965 KY1 KZ7 LA856 LB961 LC1 LI423 LK94 LR231 LS266 LT370 LU352 LV371 LY218
MA212 MC377 MD373 ME382 MF590 MG261 MH692 MK389 ML223 MM95 MN976 MO853 MP1 MQ596 MR222 MS1 MT356 MU230 MV960 MW265 MX52 MY60 MZ258
NA264 NC687 NE227 NF672 NG234 NI505 NL31 NO47 NP977 NR674 NU683 NZ64 OM968
PA507 PE51 PF689 PG675 PH63 PK92 PL48 PM508 PN64 PR1 PS970 PT351 PW680 PY595 QA974 RE262 RO40 RS381 RU7 RW250
SA966 SB677 SC248 SD249 SE46 SG65 SH290 SI386 SJ47 SK421 SL232 SM378 SN221 SO252 SR597 SS211 ST239 SV503 SX1 SY963 SZ268
TC1 TD235 TF262 TG228 TH66 TJ992 TK690 TL670 TM993 TN216 TO676 TR90 TT1 TV688 TW886 TZ255
UA380 UG256 UM1 US1 UY598 UZ998 VA39 VC1 VE58 VG1 VI1 VN84 VU678 WF681 WS685 YE967 YT262 ZA27 ZM260 ZW263`;

export const callingCodes: ReadonlyMap<string, string> = new Map(CALLING.split(/\s+/).map((e) => [e.slice(0, 2), e.slice(2)]));

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
