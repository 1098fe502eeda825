/**
 * What the connector contract suite (connectors/contract*.test.ts) needs from a connector: its sandbox or test
 * server started, the connection to it, an object with an email match key and a name field, what it holds, and
 * which scenarios apply — derived from the connector's manifest, plus what only its sandbox knows.
 */
import crypto from "node:crypto";
import type { ConnectorManifest } from "@/connectors/types";
import type { SyncInput } from "@/lib/sync/config";

type Closable = { close(): Promise<unknown> | unknown };

/** A contact as the destination holds it: its email (as the tool stores it) and the name the sync mapped, where the tool keeps one. */
export type HeldContact = { email: string; name?: string };
/** A contact as people typed it: what the sync writes, or someone adds in the tool. */
export type Contact = { email: string; name: string };

/** A limit on requests a sandbox enforces: at most `maxRequests` in any `windowSeconds`, refused with `refusedWith`. */
export type RequestLimit = { windowSeconds: number; maxRequests: number; refusedWith: number };

export type ContractSandbox = {
  settings: Record<string, unknown>;
  secrets: Record<string, unknown>;
  /** What the destination holds now, read back from the sandbox or the server. */
  held: () => HeldContact[] | Promise<HeldContact[]>;
  /** A contact someone created in the tool, outside the sync (a destination that holds records, not a file). */
  addContact?: (contact: Contact) => unknown;
  /** From now on, drops the answer of some writes (at least one in a run of ten records) after the tool applied them; returns how many were lost so far. */
  loseReplies?: () => () => number;
  /** Every request the sandbox received, when it was received and its answer's status (a sandbox with a request limit). */
  requests?: () => { at: number; status: number | string }[];
};

export type ContractCapabilities = {
  /** `records`: each record is created, updated or deleted in the tool; `whole_file`: each run writes the whole segment as one file (manifest `results: "run"`). */
  writes: "records" | "whole_file";
  onLeaveDelete: boolean;
  /**
   * How a replace run makes the destination equal to the dataset (manifest `replace`), absent without a replace
   * mode: `read_back` removes the sync's leavers and keeps others' records; `audience` and `whole` load the
   * destination anew, so it holds the sync's records only.
   */
  replace?: NonNullable<ConnectorManifest["replace"]>;
  /** Whether its sandbox can lose write replies (then its `loseReplies` is set). */
  losesReplies: boolean;
  /** The request limit its sandbox enforces when started with it (then its `requests` is set), or none. */
  requestLimit: RequestLimit | "none";
};

/** The scenarios a connector runs: what its manifest says, and what its sandbox can do. */
export function contractCapabilities(manifest: ConnectorManifest, sandbox: { losesReplies: boolean; requestLimit: RequestLimit | "none" }): ContractCapabilities {
  const writes = manifest.results === "run" ? "whole_file" : "records";
  return {
    writes,
    onLeaveDelete: manifest.onLeaveDelete,
    replace: manifest.modes.includes("replace") ? manifest.replace : undefined,
    losesReplies: writes === "records" && sandbox.losesReplies,
    requestLimit: sandbox.requestLimit,
  };
}

export type ContractFixture = {
  connector: string;
  object: string;
  /** The field the dataset's `email` is matched on (`email` unless said). */
  keyField?: string;
  /** Maps the dataset's `first_name` to the tool's name field (and, where the key is not the email itself, the email to its field). */
  mapping: SyncInput["mapping"];
  capabilities: ContractCapabilities;
  /** The tool keeps a key as it was sent though it matches keys ignoring case (Salesforce's external IDs). */
  keepsKeyCase?: true;
  /** How the destination holds a contact the sync wrote (an audience: hashed); as written unless said. */
  holds?: (contact: Contact) => HeldContact;
  /** Whether its test server can run here; false skips the fixture with a message (in CI it must be there: it throws). */
  available?: () => boolean | Promise<boolean>;
  /** Starts the sandbox; with a limit, one that enforces it on its real clock. */
  start: (closeAfter: <T extends Closable>(server: T) => T, options?: { limit?: RequestLimit }) => Promise<ContractSandbox>;
};

const sha256 = (value: string) => crypto.createHash("sha256").update(value).digest("hex");

/** An email as an audience holds it: trimmed, lower-cased, SHA-256 hex. */
export const hashedEmail = (email: string) => sha256(email.trim().toLowerCase());

/** A first name as Meta holds it: lower-case letters only (digits, spaces and punctuation dropped), SHA-256 hex. */
export const hashedName = (name: string) => sha256(name.toLowerCase().replace(/[^\p{L}]/gu, ""));
