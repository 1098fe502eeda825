/**
 * The connector contract. A connector is a folder under connectors/ with a client-safe manifest and a
 * server implementation; the sync engine only ever talks to this interface.
 */
import type { z } from "zod";

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

export type ReplaceStrategy = "sole_admin" | "shared_table";
export type RunMode = "incremental" | "full" | "replace";

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
  onLeaveDelete: boolean;
  replaceStrategies: ReplaceStrategy[];
  /** Settings that, when changed, require the secrets to be entered again (where the credentials go). */
  endpointSettings: string[];
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

export type ErrorKind = "not_found" | "duplicate" | "rejected" | "technical";
export type DestinationResponse = { status: number; body: string };

/** An attempt that did not settle the record (e.g. an update that found nothing, retried as a create). */
export type EarlierAttempt = { op: WriteOp; kind: ErrorKind; message: string; response?: DestinationResponse };

export type RecordResult =
  | { key: string; status: "ok"; op: "create" | "update" | "delete"; destinationId?: string; identifiers?: Record<string, unknown>; earlier?: EarlierAttempt[] }
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

/** A request through the connection's rate budget, with the engine's technical retries (see lib/sync/http.ts). */
export type HttpClient = (request: HttpRequest) => Promise<HttpResponse>;

export type DeliveryContext<S = Record<string, unknown>, K = Record<string, unknown>> = {
  connection: ConnectionConfig<S, K>;
  http: HttpClient;
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
export type CommitResult = {
  deleted?: number;
  message?: string;
  files?: FileReport[];
  /** The destination is still processing (an upload being applied): wait, then commit again with this state. */
  pending?: { waitSeconds: number; state: DeliveryState; message: string };
};

/** JSON state a connector keeps between steps of one run (staging table, upload session, async job). */
export type DeliveryState = Record<string, unknown>;

/** What one mapped record would become on the wire, field by field, without sending it (audiences: normalised, then hashed). */
export type PayloadPreview = { fields: { name: string; value: unknown; normalised: string | null; sent: string | null; note?: string }[] };

export type TestResult = { ok: true; message: string } | { ok: false; message: string };

export type Connector<S = Record<string, unknown>, K = Record<string, unknown>> = {
  manifest: ConnectorManifest;
  settingsSchema: z.ZodType<S>;
  secretsSchema: z.ZodType<K>;
  test(connection: ConnectionConfig<S, K>): Promise<TestResult>;
  listObjects(connection: ConnectionConfig<S, K>): Promise<DestinationObject[]>;
  listFields(connection: ConnectionConfig<S, K>, object: string): Promise<DestinationField[]>;
  /** Why this connection cannot serve a sync with these choices, or undefined when it can. */
  checkSync?(connection: ConnectionConfig<S, K>, sync: { object: string; mode: RunMode; onLeave: "nothing" | "delete" }): string | undefined;
  /** Why a replace strategy cannot be used with these fields, or undefined when it can. */
  replaceProblem?(fields: DestinationField[], mapped: string[], strategy: ReplaceStrategy): string | undefined;
  /**
   * Settings learned from the destination on first contact and kept (an SFTP server's host key), read
   * when a connection is saved without them or moved to another server.
   */
  pin?: { settings: string[]; read(connection: ConnectionConfig<S, K>): Promise<Partial<S>> };
  /** Shows what a mapped record would be sent as (destinations that transform values: normalisation, hashing). */
  preview?(connection: ConnectionConfig<S, K>, object: string, payload: Record<string, unknown>, sync: { consent?: { channel: string } }): PayloadPreview;
  /** For replace on APIs: every record the destination holds, as its id and the value of the match key field. */
  read?(ctx: DeliveryContext<S, K>): AsyncIterable<{ destinationId: string; key: string }[]>;
  delivery: {
    begin(ctx: DeliveryContext<S, K>): Promise<DeliveryState>;
    write(ctx: DeliveryContext<S, K>, state: DeliveryState, records: WriteRecord[]): Promise<{ results: RecordResult[]; state: DeliveryState }>;
    /** Ends the delivery; a destination still processing answers `pending`, and commit is called again after the wait, with its state. */
    commit(ctx: DeliveryContext<S, K>, state: DeliveryState): Promise<CommitResult>;
    abort(ctx: DeliveryContext<S, K>, state: DeliveryState): Promise<void>;
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
