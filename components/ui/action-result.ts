/** Unpacking server action answers in the browser: the one helper every form, query and button uses. Client-safe. */
export type ActionFailure = { ok: false; error: string; fieldErrors?: Record<string, string[]> };
export type ActionAnswer<T> = { ok: true; data: T } | ActionFailure;

/** What a form shows of a refusal: the message under the form, and each field's problems by path. */
export type FormProblems = { message?: string; fields: Record<string, string[]> };
export const noProblems: FormProblems = { fields: {} };
export const problemsOf = (result: ActionFailure): FormProblems => ({ message: result.error, fields: result.fieldErrors ?? {} });

/** A field's first problem, or the first problem of something inside it (`alerts` for `alerts.channelIds`). */
export const fieldProblem = (problems: FormProblems, path: string) =>
  problems.fields[path]?.[0] ?? Object.entries(problems.fields).find(([p]) => p.startsWith(`${path}.`))?.[1][0];

/** An action's refusal as one text: each field's problems on a line of their own. */
export const problemText = (result: ActionFailure) =>
  result.fieldErrors ? Object.entries(result.fieldErrors).map(([path, messages]) => (path ? `${path}: ${messages.join("; ")}` : messages.join("; "))).join("\n") : result.error;

/** The data of an answer, or its refusal thrown (react-query shows what a query throws). */
export function unwrap<T>(result: ActionAnswer<T>): T {
  if (!result.ok) throw new Error(problemText(result));
  return result.data;
}
