/**
 * The app's words for runs, records and syncs, with the labels users read: the one list the schema, events,
 * REST schemas, notifications and components all import. Client-safe.
 */

/** `held`: the plan would delete more than the sync's deletion limit; it waits for Confirm and deliver or Discard. */
export const runStatuses = ["queued", "running", "held", "succeeded", "partial", "failed", "cancelled"] as const;
export type RunStatus = (typeof runStatuses)[number];

/** What users see: a running run someone cancelled shows `cancelling` until it stops before its next batch. */
export const shownRunStatuses = [...runStatuses, "cancelling"] as const;
export type ShownRunStatus = (typeof shownRunStatuses)[number];

/** Stored statuses of a run that has not ended: it may still start, deliver or be cancelled. */
export const activeRunStatuses = ["queued", "running"] as const satisfies readonly RunStatus[];
/** Statuses a run ends its function with (`sync/run.finished`); a held run ends it too, waiting for a person. */
export const finishedRunStatuses = ["succeeded", "partial", "failed", "cancelled", "held"] as const satisfies readonly RunStatus[];
export type FinishedRunStatus = (typeof finishedRunStatuses)[number];
/** Runs that went through, some records perhaps rejected. */
export const completedRunStatuses = ["succeeded", "partial"] as const satisfies readonly RunStatus[];

export const runStatusLabels: Record<ShownRunStatus, string> = {
  queued: "queued",
  running: "running",
  held: "held for confirmation",
  succeeded: "succeeded",
  partial: "partial",
  failed: "failed",
  cancelled: "cancelled",
  cancelling: "cancelling",
};

export const isActiveRunStatus = (status: string) => status === "cancelling" || (activeRunStatuses as readonly string[]).includes(status);
/** Cancel is offered until someone asked for it: a cancelling run stops by itself before its next batch. */
export const canCancelRunStatus = (status: string) => (activeRunStatuses as readonly string[]).includes(status);

export const runModes = ["incremental", "full", "replace"] as const;
export type RunMode = (typeof runModes)[number];
export const runModeLabels: Record<RunMode, string> = { incremental: "incremental", full: "full resend", replace: "replace" };
/** The longer names the sync builder offers. */
export const runModeChoices: Record<RunMode, string> = { incremental: "Incremental (only what changed)", full: "Full resend", replace: "Replace (make the destination equal)" };

export const runTriggers = ["manual", "schedule", "realtime", "api"] as const;
export type RunTrigger = (typeof runTriggers)[number];
export const runTriggerLabels: Record<RunTrigger, string> = { manual: "started by hand", schedule: "on schedule", realtime: "in real time", api: "through the API" };

/** A planned record of a run. */
export const itemStatuses = ["pending", "done", "failed"] as const;
export type ItemStatus = (typeof itemStatuses)[number];
export const itemStatusLabels: Record<ItemStatus, string> = { pending: "Pending", done: "Done", failed: "Failed" };

/** `interrupted`: the attempt's process died (a crash) and the step was run again. */
export const stepStatuses = ["running", "succeeded", "failed", "interrupted"] as const;
export type StepStatus = (typeof stepStatuses)[number];

export const errorKinds = ["not_found", "duplicate", "rejected", "technical"] as const;
export type ErrorKind = (typeof errorKinds)[number];
export const errorKindLabels: Record<ErrorKind, string> = { not_found: "Not found", duplicate: "Duplicate", rejected: "Rejected", technical: "Technical" };

/** How a database destination is made equal to the dataset in replace mode. */
export const replaceStrategies = ["sole_admin", "shared_table"] as const;
export type ReplaceStrategy = (typeof replaceStrategies)[number];
export const replaceStrategyLabels: Record<ReplaceStrategy, string> = {
  sole_admin: "Sole admin: the table holds exactly the dataset",
  shared_table: "Shared table: empty the mapped columns of rows that left",
};

/** What happens at the destination when a record leaves the dataset. */
export const onLeaveChoices = ["nothing", "delete"] as const;
export type OnLeave = (typeof onLeaveChoices)[number];
export const onLeaveLabels: Record<OnLeave, string> = { nothing: "Do nothing", delete: "Delete it from the destination" };

/** What an import does with entity rows it wrote whose source row disappeared; `mark_deleted` sets the trait `deleted_at`. */
export const importMissingChoices = ["nothing", "delete", "mark_deleted"] as const;
export type ImportMissing = (typeof importMissingChoices)[number];
export const importMissingLabels: Record<ImportMissing, string> = {
  nothing: "Do nothing",
  delete: "Delete the entity row",
  mark_deleted: "Mark it deleted (trait deleted_at)",
};

/** Why an import rejected a source row (its record log). */
export const importRejectKinds = ["type_mismatch", "missing_key", "duplicate_key", "malformed_line", "file_refused", "file_not_moved"] as const;
export type ImportRejectKind = (typeof importRejectKinds)[number];
export const importRejectKindLabels: Record<ImportRejectKind, string> = {
  type_mismatch: "Type mismatch",
  missing_key: "Missing key",
  duplicate_key: "Duplicate key in one read",
  malformed_line: "Malformed line",
  file_refused: "File refused",
  file_not_moved: "File not moved to processed/",
};

export const isOneOf = <T extends string>(list: readonly T[], value: unknown): value is T => list.includes(value as T);

/** What the audit log records, with the words it shows. */
export const auditActionLabels = {
  "api_key.created": "Created an API key",
  "api_key.revoked": "Revoked an API key",
  "channel.created": "Added an alert channel",
  "channel.deleted": "Deleted an alert channel",
  "connection.created": "Created a connection",
  "connection.updated": "Changed a connection",
  "connection.deleted": "Deleted a connection",
  "dataset.created": "Created a dataset",
  "record.updated": "Edited a record",
  "records.erased": "Erased records",
  "member.invited": "Invited a member",
  "member.invitation_revoked": "Revoked an invitation",
  "member.role_changed": "Changed a member's role",
  "member.removed": "Removed a member",
  "member.reset_link_issued": "Issued a password reset link",
  "member.unlocked": "Unlocked a member's sign-in",
  "source.added": "Marked a connection as a source",
  "source.removed": "Removed a source",
  "import.created": "Created an import",
  "import.updated": "Changed an import",
  "import.deleted": "Deleted an import",
  "import.run_started": "Started an import run",
  "import.run_cancelled": "Cancelled an import run",
  "sync.created": "Created a sync",
  "sync.updated": "Changed a sync",
  "sync.deleted": "Deleted a sync",
  "sync.run_started": "Started a run",
  "sync.run_cancelled": "Cancelled a run",
  "sync.run_confirmed": "Confirmed a held run",
  "sync.run_discarded": "Discarded a held run",
  "sync.records_resent": "Resent records",
} as const satisfies Record<string, string>;
export type AuditAction = keyof typeof auditActionLabels;

/** An action's words; a code this version no longer records reads as its words ("sync.paused" → "Sync paused"). */
export const describeAuditAction = (action: string) =>
  action in auditActionLabels ? auditActionLabels[action as AuditAction] : action.replace(/[._]/g, " ").replace(/^./, (c) => c.toUpperCase());
