import "server-only";
import { DeletionsNeedConfirmation, type LineError, PublicError, RetryLaterError, ValidationError } from "@/lib/errors";
import { logError } from "@/lib/log";

/** What a user is told of a failed operation, through the app or the API alike. */
export type PublicFailure = {
  status: number;
  message: string;
  fields?: Record<string, string[]>;
  details?: LineError[];
  confirm?: DeletionsNeedConfirmation["confirm"];
  retryAfterSeconds?: number;
};

const isUniqueViolation = (e: unknown) => (e as { code?: string }).code === "23505" || (e as { cause?: { code?: string } }).cause?.code === "23505";

/** Maps any error to its user-facing message and HTTP status; what is not a PublicError is logged and told as "Something went wrong". */
export function publicFailure(error: unknown, where: string): PublicFailure {
  if (error instanceof ValidationError) return { status: error.status, message: error.message, fields: error.fields };
  if (error instanceof DeletionsNeedConfirmation) return { status: error.status, message: error.message, confirm: error.confirm };
  if (error instanceof RetryLaterError) return { status: error.status, message: error.message, retryAfterSeconds: error.retryAfterSeconds };
  if (error instanceof PublicError) return { status: error.status, message: error.message, details: error.details };
  if (isUniqueViolation(error)) return { status: 409, message: "Something with the same name already exists" };
  logError(`${where} failed:`, error);
  return { status: 500, message: "Something went wrong. Please try again." };
}
