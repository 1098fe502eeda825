import { formatWithOptions } from "node:util";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as recordsRoute from "@/app/api/v1/entities/[entity]/records/route";
import { contacts } from "@/lib/db/schema";
import { apiAs } from "@/test/api";
import { connectTestDb, newWorkspace } from "@/test/db";
import { inngestLogger } from "./log";

const { db } = connectTestDb();
const CUSTOMER = { id: `probe-${Date.now()}`, email: `zelda.${Date.now()}@customer.example`, first_name: "Zelda", last_name: "Quartermaine" };
const FN = `refuse_${CUSTOMER.id.replace(/\W/g, "_")}`;

// The database itself refuses this one customer (as a constraint would): a real statement fails with real values bound.
beforeAll(async () => {
  await db.execute(
    sql.raw(`CREATE FUNCTION ${FN}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
      IF NEW.email = '${CUSTOMER.email}' THEN RAISE EXCEPTION 'refused %', NEW.email USING ERRCODE = '23514'; END IF; RETURN NEW; END $$`),
  );
  await db.execute(sql.raw(`CREATE TRIGGER ${FN} BEFORE INSERT OR UPDATE ON contacts FOR EACH ROW EXECUTE FUNCTION ${FN}()`));
});
afterAll(async () => {
  await db.execute(sql.raw(`DROP TRIGGER IF EXISTS ${FN} ON contacts`));
  await db.execute(sql.raw(`DROP FUNCTION IF EXISTS ${FN}()`));
});

/** What the process prints to its log (stderr) while `work` runs, as Node formats console.error. */
async function errorLog(work: () => Promise<unknown>) {
  const lines: string[] = [];
  const spy = vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void lines.push(formatWithOptions({}, ...args)));
  try {
    await work();
  } finally {
    spy.mockRestore();
  }
  return lines.join("\n");
}

const expectNoCustomerData = (log: string) => {
  for (const value of [CUSTOMER.email, CUSTOMER.first_name, CUSTOMER.last_name]) expect(log).not.toContain(value);
};

describe("nothing sensitive in the app log", () => {
  it("a failed SQL statement is logged with its statement and error code, never the customer's email or name", async () => {
    const api = await apiAs(db, await newWorkspace(db));
    let status = 0;
    const log = await errorLog(async () => {
      status = (await api.call(recordsRoute.POST, { path: "/entities/contacts/records", params: { entity: "contacts" }, body: { records: [CUSTOMER] } })).status;
    });
    expect(status).toBe(500);
    expectNoCustomerData(log);
    expect(log).toMatch(/API route failed: Error \[DrizzleQueryError\]: Failed query \(SQLSTATE 23514\): insert into "contacts"/i);
  });

  it("the job runtime's log of a failed step shows the statement, not the values", async () => {
    const workspaceId = await newWorkspace(db);
    const failure = await db.insert(contacts).values({ workspaceId, id: CUSTOMER.id, email: CUSTOMER.email, firstName: CUSTOMER.first_name }).catch((error: unknown) => error);
    expect(String(failure)).toContain(CUSTOMER.email);
    const log = await errorLog(async () => inngestLogger.error({ err: failure }, "Inngest step error"));
    expectNoCustomerData(log);
    expect(log).toMatch(/^Inngest step error\nError \[DrizzleQueryError\]: Failed query \(SQLSTATE 23514\): insert into "contacts"/);
  });
});
