/** Reference tables the normalisation needs: ITU country calling codes and US state names (ANSI codes). */

/** ISO 3166-1 alpha-2 code (lowercase) → country calling code, for every assigned code. */
export const CALLING_CODES: Record<string, string> = Object.fromEntries(
  (
    "ad376 ae971 af93 ag1 ai1 al355 am374 ao244 aq672 ar54 as1 at43 au61 aw297 ax358 az994 " +
    "ba387 bb1 bd880 be32 bf226 bg359 bh973 bi257 bj229 bl590 bm1 bn673 bo591 bq599 br55 bs1 bt975 bv47 bw267 by375 bz501 " +
    "ca1 cc61 cd243 cf236 cg242 ch41 ci225 ck682 cl56 cm237 cn86 co57 cr506 cu53 cv238 cw599 cx61 cy357 cz420 " +
    "de49 dj253 dk45 dm1 do1 dz213 ec593 ee372 eg20 eh212 er291 es34 et251 fi358 fj679 fk500 fm691 fo298 fr33 " +
    "ga241 gb44 gd1 ge995 gf594 gg44 gh233 gi350 gl299 gm220 gn224 gp590 gq240 gr30 gs500 gt502 gu1 gw245 gy592 " +
    "hk852 hm672 hn504 hr385 ht509 hu36 id62 ie353 il972 im44 in91 io246 iq964 ir98 is354 it39 je44 jm1 jo962 jp81 " +
    "ke254 kg996 kh855 ki686 km269 kn1 kp850 kr82 kw965 ky1 kz7 la856 lb961 lc1 li423 lk94 lr231 ls266 lt370 lu352 lv371 ly218 " +
    "ma212 mc377 md373 me382 mf590 mg261 mh692 mk389 ml223 mm95 mn976 mo853 mp1 mq596 mr222 ms1 mt356 mu230 mv960 mw265 mx52 my60 mz258 " +
    "na264 nc687 ne227 nf672 ng234 ni505 nl31 no47 np977 nr674 nu683 nz64 om968 pa507 pe51 pf689 pg675 ph63 pk92 pl48 pm508 pn64 pr1 ps970 pt351 pw680 py595 " +
    "qa974 re262 ro40 rs381 ru7 rw250 sa966 sb677 sc248 sd249 se46 sg65 sh290 si386 sj47 sk421 sl232 sm378 sn221 so252 sr597 ss211 st239 sv503 sx1 sy963 sz268 " +
    "tc1 td235 tf262 tg228 th66 tj992 tk690 tl670 tm993 tn216 to676 tr90 tt1 tv688 tw886 tz255 ua380 ug256 um1 us1 uy598 uz998 " +
    "va39 vc1 ve58 vg1 vi1 vn84 vu678 wf681 ws685 ye967 yt262 za27 zm260 zw263"
  )
    .split(" ")
    .map((entry) => [entry.slice(0, 2), entry.slice(2)]),
);

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
