/** Reads a 5-field cron expression: field by field, so a refusal says what is wrong, and as a sentence. Client-safe. */
import { Cron } from "croner";
import cronstrue from "cronstrue";

type CronField = { name: string; min: number; max: number; names?: string[] };

const fields: CronField[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"] },
  { name: "weekday", min: 0, max: 7, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
];

const EXAMPLE = '"0 6 * * 1-5"';

/** A value of a field as a number, or what is wrong with it. */
function fieldValue(field: CronField, text: string): number | string {
  const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + field.min;
  if (!/^\d+$/.test(text)) return `${field.name} "${text}" is not a number${field.names ? ` or a name such as ${field.names[1]}` : ""}`;
  const value = Number(text);
  return value < field.min || value > field.max ? `${field.name} ${value} is out of range ${field.min}–${field.max}` : value;
}

function partProblem(field: CronField, part: string): string | undefined {
  if (part === "") return `${field.name} has an empty item between commas`;
  // Croner's extensions (last day L, nearest weekday W, nth weekday #, ?) are left to croner to judge.
  if (/[LW#?]/i.test(part)) return undefined;
  const [range = "", step, extra] = part.split("/");
  if (extra !== undefined) return `${field.name} "${part}" has more than one step`;
  if (step !== undefined && !/^[1-9]\d*$/.test(step)) return `${field.name} step "${step}" must be a whole number from 1, as in */15`;
  if (range === "*") return undefined;
  const bounds = range.split("-");
  if (bounds.length > 2 || bounds.includes("")) return `${field.name} range "${range}" should look like 1-5`;
  const values = bounds.map((b) => fieldValue(field, b));
  const problem = values.find((v): v is string => typeof v === "string");
  if (problem) return problem;
  const [from, to] = values as number[];
  if (to !== undefined && from! > to) return `${field.name} range ${range} runs backwards: put the smaller value first`;
  return undefined;
}

/** What is wrong with a cron expression, in words a user can act on; undefined when it is fine. */
export function cronProblem(expression: string): string | undefined {
  const parts = expression.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return `Enter a cron expression, such as ${EXAMPLE}`;
  if (parts.length !== 5) return `Enter 5 fields (minute hour day-of-month month weekday), such as ${EXAMPLE}; this has ${parts.length}`;
  for (const [i, field] of fields.entries()) {
    const problem = parts[i]!.split(",").map((part) => partProblem(field, part)).find(Boolean);
    if (problem) return problem;
  }
  try {
    new Cron(expression, { paused: true });
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/^CronPattern:\s*/, "");
  }
}

/** "every day at 06:00, Europe/Paris" for `0 6 * * *` in Paris. */
export function describeCron(expression: string, zone = "UTC"): string {
  let text: string;
  try {
    text = cronstrue.toString(expression, { use24HourTimeFormat: true });
  } catch {
    // A few forms croner runs are beyond cronstrue (the last Friday as 5#L): show the expression itself.
    return `cron ${expression.trim()}, ${zone}`;
  }
  const daily = expression.trim().split(/\s+/).slice(2).every((f) => f === "*" || f === "?") && /^At \d\d:\d\d((, | and )\d\d:\d\d)*$/.test(text);
  return `${daily ? `every day ${text.toLowerCase()}` : text[0]!.toLowerCase() + text.slice(1)}, ${zone}`;
}
