/** Server actions' answers in the builder: a refusal as text, or the data. Client-safe. */
export type Failure = { ok: false; error: string; fieldErrors?: Record<string, string[]> };

/** An action's refusal as one text: each field's problems on a line of their own. */
export const problemText = (result: Failure) =>
  result.fieldErrors ? Object.entries(result.fieldErrors).map(([path, messages]) => (path ? `${path}: ${messages.join("; ")}` : messages.join("; "))).join("\n") : result.error;

export async function must<T>(result: { ok: true; data: T } | Failure): Promise<T> {
  if (!result.ok) throw new Error(problemText(result));
  return result.data;
}
