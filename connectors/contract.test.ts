/**
 * The connector contract: every connector runs the same scenarios through the engine against its sandbox or test
 * server — create (with a business retry), update of changed rows only, on-leave delete, a replace matched on an
 * email whose case the tool folds, and a run whose writes lose their replies — as far as its capabilities say
 * (connectors/contract-fixtures.ts). The request-limit scenario is in contract-limits.test.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Contact, ContractSandbox, HeldContact } from "@/test/connector-contract";
import { byEmail, contractSyncs, COUNT, held, range, written } from "@/test/connector-contract-sync";
import { connectTestDb } from "@/test/db";
import { syncTestRuntime } from "@/test/sync-runtime";
import { contractFixtures, runnableFixtures } from "./contract-fixtures";
import { connectorIds, manifests } from "./manifests";

const { db } = connectTestDb();
const runtime = syncTestRuntime(db);
const syncInto = contractSyncs(db, runtime);
const runnable = await runnableFixtures();

describe("the connector contract suite", () => {
  it("covers every connector of the catalog", () => {
    expect(Object.values(contractFixtures).map((f) => f.connector).sort()).toEqual([...connectorIds].sort());
  });
});

describe.each(runnable)("%s against its sandbox", (name) => {
  const fixture = contractFixtures[name]!;
  const caps = fixture.capabilities;
  const manifest = manifests[fixture.connector]!;
  const folds = (manifest.keyComparison?.fields?.[`${fixture.object}.${fixture.keyField ?? "email"}`] ?? manifest.keyComparison?.default) === "case_insensitive";
  const records = caps.writes === "records";
  /** An email as the sync's state holds it, and as the tool keeps it: lower-cased where the tool folds case (unless it keeps it as sent). */
  const stateKey = (i: number) => (folds ? written(i).toLowerCase() : written(i));
  const stored = (i: number) => (fixture.keepsKeyCase ? written(i) : stateKey(i));
  const holds = fixture.holds ?? ((c: Contact): HeldContact => c);
  /** The contract's people as the destination holds them, with the name `name` gives them. */
  const contacts = (indexes: number[], name: (i: number) => string) => indexes.map((i) => holds({ email: stored(i), name: name(i) }));
  /** A contact someone else created in the tool: only where the tool holds records. */
  const someoneElse = { email: "someone.else@example.com", name: "Not the sync's" };
  const others = records ? [holds(someoneElse)] : [];
  /** What a run reports: a file run rewrites the whole segment, every row counted updated, and deletes nothing. */
  const reported = (changed: Record<string, number>, rows: number) => (records ? changed : { updated: rows, deleted: 0 });
  const named = (renamed: number[]) => (i: number) => (renamed.includes(i) ? "Renamed" : `First ${i}`);
  let sandbox: ContractSandbox;
  let sync: Awaited<ReturnType<typeof syncInto>>;

  beforeAll(async () => {
    sandbox = await fixture.start(runtime.closeAfter);
    sync = await syncInto(fixture, sandbox, name);
  });

  it(records ? "creates every record once; one the tool already held under the key becomes an update, counted as created" : "writes every record once in the run's file", async () => {
    if (records) {
      await sandbox.addContact!({ email: stored(0), name: "Typed in the tool" });
      await sandbox.addContact!(someoneElse);
    }
    expect(await sync.run()).toMatchObject({ status: "succeeded", planned: COUNT, created: COUNT, updated: 0, failed: 0 });
    expect(await held(sandbox)).toEqual([...contacts(range(0, COUNT), named([])), ...others].sort(byEmail));
    expect(await sync.stateKeys()).toEqual(range(0, COUNT).map(stateKey).sort());
  });

  it("updates only the rows that changed", async () => {
    await sync.change([1, 2], { first_name: "Renamed" });
    expect(await sync.run()).toMatchObject({ status: "succeeded", failed: 0, ...reported({ planned: 2, created: 0, updated: 2 }, COUNT) });
    expect(await held(sandbox)).toEqual([...contacts(range(0, COUNT), named([1, 2])), ...others].sort(byEmail));
  });

  it.runIf(caps.onLeaveDelete)("deletes the records that left the segment", async () => {
    await sync.change([8, 9], { country: "DE" });
    expect(await sync.run()).toMatchObject({ status: "succeeded", failed: 0, ...reported({ planned: 2, deleted: 2 }, 8) });
    expect(await held(sandbox)).toEqual([...contacts(range(0, 8), named([1, 2])), ...others].sort(byEmail));
    expect(await sync.stateKeys()).toEqual(range(0, 8).map(stateKey).sort());
  });

  // read_back removes the sync's leavers only; audience and whole load the destination anew, with the sync's records only.
  it.runIf(caps.replace)(`replaces (${caps.replace}) matched on a mixed-case email: removes the sync's leavers${caps.replace === "read_back" ? ", keeps others' records" : " and what the sync did not write"}, state agrees`, async () => {
    await sync.change([6, 7], { country: "DE" });
    const kept = caps.replace === "read_back" ? others : [];
    // A whole replace counts every row it removed, others' too.
    const removed = 2 + (caps.replace === "whole" ? others.length : 0);
    expect(await sync.run("replace")).toMatchObject({ status: "succeeded", created: 0, failed: 0, ...reported({ deleted: removed }, 6) });
    expect(await held(sandbox)).toEqual([...contacts(range(0, 6), named([1, 2])), ...kept].sort(byEmail));
    expect(await sync.stateKeys()).toEqual(range(0, 6).map(stateKey).sort());
    if (records) expect(await sync.run()).toMatchObject({ status: "succeeded", planned: 0, deleted: 0 });
  });

  it.runIf(caps.losesReplies)("loses write replies and still holds every record exactly once, counted as created", async () => {
    const faulty = await fixture.start(runtime.closeAfter);
    const lost = faulty.loseReplies!();
    const t = await syncInto(fixture, faulty, `${name} (lost replies)`);
    const first = await t.run();
    expect(first).toMatchObject({ updated: 0 });
    expect(first.created + first.failed).toBe(COUNT);
    // A record whose every attempt lost its reply fails for now, as it truly did; the next run settles it, as a create.
    if (first.failed > 0) expect(await t.run()).toMatchObject({ status: "succeeded", created: first.failed, updated: 0, failed: 0 });
    expect(lost()).toBeGreaterThan(0);
    expect(await held(faulty)).toEqual(contacts(range(0, COUNT), named([])).sort(byEmail));
    expect(await t.run()).toMatchObject({ status: "succeeded", planned: 0 });
  });
});
