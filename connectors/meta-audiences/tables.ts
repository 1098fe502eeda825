/** Reference tables the normalisation needs: US state names (ANSI codes); calling codes are in ../shared/calling-codes. */

/** Where a national number's leading 0 is part of the number, not a trunk prefix (Italian numbering). */
export const KEEPS_LEADING_ZERO = new Set(["it", "sm", "va"]);

/** US states, DC and territories, by their name in lowercase letters only → ANSI code. */
export const US_STATES: Record<string, string> = {
  alabama: "al", alaska: "ak", arizona: "az", arkansas: "ar", california: "ca", colorado: "co", connecticut: "ct", delaware: "de",
  districtofcolumbia: "dc", florida: "fl", georgia: "ga", hawaii: "hi", idaho: "id", illinois: "il", indiana: "in", iowa: "ia",
  kansas: "ks", kentucky: "ky", louisiana: "la", maine: "me", maryland: "md", massachusetts: "ma", michigan: "mi", minnesota: "mn",
  mississippi: "ms", missouri: "mo", montana: "mt", nebraska: "ne", nevada: "nv", newhampshire: "nh", newjersey: "nj", newmexico: "nm",
  newyork: "ny", northcarolina: "nc", northdakota: "nd", ohio: "oh", oklahoma: "ok", oregon: "or", pennsylvania: "pa", rhodeisland: "ri",
  southcarolina: "sc", southdakota: "sd", tennessee: "tn", texas: "tx", utah: "ut", vermont: "vt", virginia: "va", washington: "wa",
  westvirginia: "wv", wisconsin: "wi", wyoming: "wy", puertorico: "pr", guam: "gu", americansamoa: "as", northernmarianaislands: "mp",
  virginislands: "vi", usvirginislands: "vi",
};
export const US_STATE_CODES = new Set(Object.values(US_STATES));
