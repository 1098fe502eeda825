/** An error whose message is fit to show a user; `details` carries per-item problems (e.g. CSV lines). */
export class PublicError extends Error {
  readonly details?: LineError[];
  readonly status: number;

  constructor(message: string, options: { details?: LineError[]; status?: number } = {}) {
    super(message);
    this.name = "PublicError";
    this.details = options.details;
    this.status = options.status ?? 422;
  }
}

export type LineError = { line: number; field?: string; message: string };

export class NotFoundError extends PublicError {
  constructor(what: string) {
    super(`${what} not found`, { status: 404 });
    this.name = "NotFoundError";
  }
}
