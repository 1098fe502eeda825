/** Labels of generated form fields, from schema keys. Client-safe. */

const acronyms = new Set(["api", "bom", "csv", "ftp", "http", "https", "id", "ip", "json", "pem", "sftp", "sql", "ssh", "ssl", "tls", "uri", "url"]);
const units: Record<string, string> = { ms: "(ms)" };
const upper = (word: string) =>
  units[word] ?? (acronyms.has(word) ? word.toUpperCase() : acronyms.has(word.replace(/s$/, "")) ? `${word.slice(0, -1).toUpperCase()}s` : word);

/** `apiBaseUrl` → "API base URL", `ssl` → "SSL", `listIds` → "List IDs", `timeoutMs` → "Timeout (ms)". */
export function labelFromKey(key: string) {
  const words = key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/[_-]+/g, " ").trim().toLowerCase().split(/\s+/).map(upper);
  const [first = "", ...rest] = words;
  return [first.charAt(0).toUpperCase() + first.slice(1), ...rest].join(" ");
}

/** What an optional field left empty means, from the schema's default: "default: public". */
export const defaultNote = (value: unknown) =>
  value === undefined || value === null || value === "" ? undefined : `default: ${typeof value === "boolean" ? (value ? "yes" : "no") : typeof value === "object" ? JSON.stringify(value) : String(value)}`;
