/**
 * The connector contract. A connector is a folder under connectors/ with a client-safe manifest and a
 * server implementation; the sync engine only ever talks to this interface.
 */
import type { z } from "zod";
import type { ErrorKind, OnLeave, ReplaceStrategy, RunMode } from "@/lib/vocabulary";

export type { ErrorKind, ReplaceStrategy, RunMode };

export type FieldType = "string" | "number" | "integer" | "boolean" | "date" | "datetime" | "json";

export type DestinationField = {
  name: string;
  type: FieldType;
  /** The destination refuses a record without it (NOT NULL and no default). */
  required: boolean;
  nullable: boolean;
  /** Identifies a record: the primary key, or another unique / external-id field. */
  key?: "primary" | "unique";
  description?: string;
};

export type DestinationObject = {
  name: string;
  label: string;
  description?: string;
  /** The sync names the fields (a file's columns): any destination name the mapping gives is a field. */
  freeFields?: boolean;
};

/**
 * How a destination tells two values of a match key apart, so the sync compares them the same way in its
 * plan, its state and a replace's read-back: `exact` as written; `trimmed` without surrounding white space;
 * `case_insensitive` trimmed and without case (an email the tool stores in lower case).
 */
export type KeyComparison = "exact" | "trimmed" | "case_insensitive";

export type ConnectorManifest = {
  id: string;
  name: string;
  category: "database" | "crm" | "email" | "support" | "ads" | "file" | "api";
  description: string;
  /** What the user picks as the destination object ("table", "object", "audience"). */
  objectNoun: string;
  /** Records per write call. */
  batchSize: number;
  /** Suggested rate budget for new connections; absent = unlimited unless the user sets one. */
  defaultRateLimit?: { windowSeconds: number; maxRequests: number };
  /** Replaying a write after a crash creates no duplicates (upsert by key or stored destination id). */
  idempotentWrites: boolean;
  /** How the destination reports outcomes: per record, per batch, or once per run (files). */
  results: "record" | "batch" | "run";
  modes: RunMode[];
  /**
   * How a replace makes the destination equal to the dataset (set when `modes` has replace): `read_back` lists
   * what the destination holds (`Connector.read`) and the plan deletes what the dataset lacks; `audience` tells
   * the connector who left (it swaps the audience, or removes them itself); `whole` rewrites the destination
   * as a whole (a table strategy, a file), so the plan names no removals.
   */
  replace?: "read_back" | "audience" | "whole";
  onLeaveDelete: boolean;
  replaceStrategies: ReplaceStrategy[];
  /** Settings that, when changed, require the secrets to be entered again (where the credentials go). */
  endpointSettings: string[];
  /**
   * How the destination compares match keys: `default` for every key, `fields` where an object's key field
   * differs ("contacts.email", or "*.email" for every object). Absent: exact.
   */
  keyComparison?: { default: KeyComparison; fields?: Record<string, KeyComparison> };
};

/** Decrypted configuration of one connection, for server code only. */
export type ConnectionConfig<S = Record<string, unknown>, K = Record<string, unknown>> = { settings: S; secrets: K };

export type WriteOp = "upsert" | "create" | "update" | "delete";

export type WriteRecord = {
  key: string;
  op: WriteOp;
  /** The mapped record (absent for deletes). */
  payload?: Record<string, unknown>;
  /** What the destination called this record last time, when known. */
  destinationId?: string | null;
  /** The identifiers sent last time (a delete or an update must name them). */
  identifiers?: Record<string, unknown> | null;
};

export type DestinationResponse = { status: number; body: string };

/** An attempt that did not settle the record (e.g. an update that found nothing, retried as a create). */
export type EarlierAttempt = { op: WriteOp; kind: ErrorKind; message: string; response?: DestinationResponse };

export type RecordResult =
  | {
      key: string;
      status: "ok";
      op: "create" | "update" | "delete";
      destinationId?: string;
      identifiers?: Record<string, unknown>;
      earlier?: EarlierAttempt[];
      /** What went through incompletely (an invalid identifier left out): the record log shows it, the record counts as delivered. */
      warning?: string;
    }
  | {
      key: string;
      status: "failed";
      kind: ErrorKind;
      message: string;
      existingId?: string;
      response?: DestinationResponse;
      earlier?: EarlierAttempt[];
      /** What was sent when the destination may have received it all the same (a request that got no answer): a later removal names it. */
      identifiers?: Record<string, unknown>;
    };

/**
 * What a vendor's answer says about its own limits, read by the connector (`HttpRequest.limits`) from
 * every answer: wait and send again (a rate limit the vendor signals its own way), pause before the
 * next request (a budget about to run out), or stop the run (a daily quota spent: the next run retries).
 */
export type VendorLimit = { retryAfterMs: number } | { pauseMs: number } | { exhausted: string };

export type HttpRequest = {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** JSON-encoded unless it is already a string (then sent as is, with the content-type the headers give). */
  body?: unknown;
  timeoutMs?: number;
  limits?: (response: HttpResponse) => VendorLimit | undefined;
};
export type HttpResponse = { status: number; headers: Headers; text: string; json: unknown };

/** A request with the outbound guard and technical retries (during a run: through the connection's rate budget too). See lib/http/client.ts. */
export type HttpClient = (request: HttpRequest) => Promise<HttpResponse>;

/** Time as a connector sees it: tests run it faster (SYNC_TIME_SCALE), so `now` and `sleep` stay in step. */
export type Clock = { now(): number; sleep(ms: number): Promise<void> };

/** What every call of a connector gets: the decrypted connection, the HTTP client (outbound guard, rate budget), the clock. */
export type ConnectorContext<S = Record<string, unknown>, K = Record<string, unknown>> = {
  connection: ConnectionConfig<S, K>;
  http: HttpClient;
  clock: Clock;
};

export type DeliveryContext<S = Record<string, unknown>, K = Record<string, unknown>> = ConnectorContext<S, K> & {
  object: string;
  mode: RunMode;
  replaceStrategy?: ReplaceStrategy;
  /** The destination fields this sync writes, the key first. */
  fields: string[];
  key: string;
  runId: string;
  syncId: string;
  /**
   * The consent every record of this run has granted (the sync requires it; contacts without it are never
   * sent): destinations that take consent signals with each record (Google's adUserData) fill them from it.
   */
  consent?: { channel: string };
  /** When the run started: what file name templates ({date} …) are made of, the same in every step. */
  startedAt: Date;
  /**
   * Every record this run delivers, in key order, a batch at a time, read again from the run's plan.
   * Destinations that take the whole run at once (files) write them here, at commit, as one stream.
   */
  records(): AsyncIterable<WriteRecord[]>;
};

/** A file a run wrote, for the run's page. */
export type FileReport = { name: string; rows: number; bytes: number; sha256: string };

/** How a delivery ended: deletions it made itself, a note for the run's page, the files it wrote — or not yet. */
export type CommitResult<T extends DeliveryState = DeliveryState> = {
  deleted?: number;
  message?: string;
  files?: FileReport[];
  /** The destination is still processing (an upload being applied): wait, then commit again with this state. */
  pending?: { waitSeconds: number; state: T; message: string };
};

/** Where a batch stands in its run's delivery. */
export type BatchPosition = { last: boolean };

/** JSON state a connector keeps between steps of one run (staging table, upload session, async job). */
export type DeliveryState = Record<string, unknown>;

/** What one mapped record would become on the wire, field by field, without sending it (audiences: normalised, then hashed). */
export type PayloadPreview = { fields: { name: string; value: unknown; normalised: string | null; sent: string | null; note?: string }[] };

export type TestResult = { ok: true; message: string } | { ok: false; message: string };

/** The choices of a sync that decide whether it can share its object with other syncs. */
export type SharingChoices = { object: string; mode: RunMode; replaceStrategy?: ReplaceStrategy | null; key: string; fields: string[] };

/** Where a sync writes, and whether it needs that place to itself. */
export type Sharing = {
  /** Equal for every connection and object that reach the same place (an ad account's audience, a database's table, a server's file). */
  place: string;
  /**
   * This sync's runs remove or overwrite what other syncs wrote there: why ("a replace swaps the whole
   * audience …"), what the user can do instead, and the fields concerned when not the whole object.
   */
  claim?: { reason: string; remedy: string; fields?: string[] };
};

export type Connector<S = Record<string, unknown>, K = Record<string, unknown>, T extends DeliveryState = DeliveryState> = {
  manifest: ConnectorManifest;
  settingsSchema: z.ZodType<S>;
  secretsSchema: z.ZodType<K>;
  test(ctx: ConnectorContext<S, K>): Promise<TestResult>;
  listObjects(ctx: ConnectorContext<S, K>): Promise<DestinationObject[]>;
  listFields(ctx: ConnectorContext<S, K>, object: string): Promise<DestinationField[]>;
  /**
   * The one object a sync names, by the narrowest call the destination has (saving a sync needs that object
   * alone, not the list of all); undefined when there is none. Without it, listObjects is searched.
   */
  findObject?(ctx: ConnectorContext<S, K>, object: string): Promise<DestinationObject | undefined>;
  /** Why this connection cannot serve a sync with these choices, or undefined when it can (reaches nothing). */
  checkSync?(ctx: ConnectorContext<S, K>, sync: { object: string; mode: RunMode; onLeave: OnLeave }): string | undefined;
  /**
   * Where a sync with these choices writes and whether it needs that place to itself (its replace swaps a
   * whole audience, empties a table, writes a file anew). Without it, syncs share objects freely: their
   * runs remove only what they wrote. Reaches nothing.
   */
  sharing?(ctx: ConnectorContext<S, K>, sync: SharingChoices): Sharing;
  /** Why a replace strategy cannot be used with these fields, or undefined when it can. */
  replaceProblem?(ctx: ConnectorContext<S, K>, fields: DestinationField[], mapped: string[], strategy: ReplaceStrategy): string | undefined;
  /**
   * Settings learned from the destination on first contact and kept (an SFTP server's host key), read
   * when a connection is saved without them or moved to another server.
   */
  pin?: { settings: string[]; read(ctx: ConnectorContext<S, K>): Promise<Partial<S>> };
  /** Shows what a mapped record would be sent as (destinations that transform values: normalisation, hashing); reaches nothing. */
  preview?(ctx: ConnectorContext<S, K>, object: string, payload: Record<string, unknown>, sync: { consent?: { channel: string } }): PayloadPreview;
  /** For replace on APIs: every record the destination holds, as its id and the value of the match key field. */
  read?(ctx: DeliveryContext<S, K>): AsyncIterable<{ destinationId: string; key: string }[]>;
  /** The delivery lifecycle; `T` is the JSON state the engine keeps between its steps. */
  delivery: {
    begin(ctx: DeliveryContext<S, K>): Promise<T>;
    /** Writes one batch; `batch.last` says it is the run's final write (an upload session can end with it rather than with a request of its own). */
    write(ctx: DeliveryContext<S, K>, state: T, records: WriteRecord[], batch?: BatchPosition): Promise<{ results: RecordResult[]; state: T }>;
    /** Ends the delivery; a destination still processing answers `pending`, and commit is called again after the wait, with its state. */
    commit(ctx: DeliveryContext<S, K>, state: T): Promise<CommitResult<T>>;
    /** Ends a delivery that will not commit; `discarded` when nothing this run wrote reached the destination (a staging table dropped). Only a replace can discard: other runs keep each batch's results in the sync's state as it is delivered. */
    abort(ctx: DeliveryContext<S, K>, state: T): Promise<{ discarded: boolean } | void>;
  };
};

/** Errors a connector throws when the whole call is impossible; the run fails with this message, without retrying. */
export class DestinationConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DestinationConfigError";
  }
}

/** The vendor's quota for the day (or month) is spent: the run fails without retrying; its records go again next run. */
export class QuotaExhausted extends DestinationConfigError {
  constructor(message: string) {
    super(message);
    this.name = "QuotaExhausted";
  }
}
