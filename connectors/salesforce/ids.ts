/** Salesforce record ids: the case-sensitive 15-character form and the 18-character form with its case checksum. */

const SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

/** The three checksum characters: per 5-character chunk, a bit per upper-case letter, the first character lowest. */
function checksum(id15: string): string {
  let suffix = "";
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) if (/[A-Z]/.test(id15[chunk * 5 + i]!)) bits |= 1 << i;
    suffix += SUFFIX_ALPHABET[bits];
  }
  return suffix;
}

/** The 18-character id of a 15- or 18-character one; undefined when it is not an id at all. */
export function toId18(id: string): string | undefined {
  if (/^[a-zA-Z0-9]{15}$/.test(id)) return id + checksum(id);
  if (/^[a-zA-Z0-9]{18}$/.test(id) && checksum(id.slice(0, 15)) === id.slice(15).toUpperCase()) return id.slice(0, 15) + checksum(id.slice(0, 15));
  return undefined;
}
