/**
 * The delivery lifecycle called step by step, as the engine calls it across steps and restarts: sessions
 * spanning batches, a replayed write, a run resumed after Meta's 90-minute window, replace fallbacks.
 */
import { describe, expect, it } from "vitest";
import type { WriteRecord } from "@/connectors/types";
import { metaDeliveryTestbed, sha } from "./delivery-testbed";
import { manualClock } from "@/test/clock";

const setup = metaDeliveryTestbed();

const batch = (from: number, to: number, op: WriteRecord["op"] = "create"): WriteRecord[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ key: `p${from + i}`, op, payload: { EXTERN_ID: `p${from + i}`, EMAIL: `Person${from + i}@Example.com ` } }));
const statusOf = (written: { results: { status: string }[] }) => written.results.map((r) => r.status);
/** Person n as an earlier run sent them: the row the audience holds, and the identifiers the sync kept. */
const sentRow = (n: number) => ({ EXTERN_ID: `p${n}`, EMAIL: sha(`person${n}@example.com`) });
const leaving = (n: number): WriteRecord => ({ key: `p${n}`, op: "delete", identifiers: sentRow(n) });
const updated = (n: number): WriteRecord => ({ ...batch(n, n, "update")[0]!, identifiers: sentRow(n) });

/** Writes the batches one after the other, the last one said to be last, the run's records readable again at commit (as the engine gives them), then commits. */
async function runBatches(t: Awaited<ReturnType<typeof setup>>, batches: WriteRecord[][]) {
  t.ctx.records = async function* () {
    yield batches.flat();
  };
  let state = await t.d.begin(t.ctx);
  const results = [];
  for (const [i, records] of batches.entries()) {
    const written = await t.d.write(t.ctx, state, records, { last: i === batches.length - 1 });
    results.push(...written.results);
    state = written.state;
  }
  return { results, state, commit: await t.d.commit(t.ctx, state) };
}

describe("Meta upload sessions through the delivery lifecycle", () => {
  it("spans one /users session over the run's batches; a replayed write resends the same batch_seq and the session goes on", async () => {
    const t = await setup();
    const s0 = await t.d.begin(t.ctx);
    const w1 = await t.d.write(t.ctx, s0, batch(1, 3));
    const w2 = await t.d.write(t.ctx, w1.state, batch(4, 6));
    // The step crashed before its state was stored: the engine replays the batch with the state before it.
    const replay = await t.d.write(t.ctx, w1.state, batch(4, 6));
    expect(replay.state).toEqual(w2.state);
    const w3 = await t.d.write(t.ctx, replay.state, batch(7, 8));
    expect([...statusOf(w1), ...statusOf(replay), ...statusOf(w3)].every((s) => s === "ok")).toBe(true);
    expect(w1.results[0]).toMatchObject({ op: "create", identifiers: { EXTERN_ID: "p1", EMAIL: sha("person1@example.com") } });
    const commit = await t.d.commit(t.ctx, w3.state);
    expect(commit.message).toMatch(/^Added 8 in "Lifecycle"/);
    expect(t.uploads()).toEqual(["POST users A1 200", "POST users A2 200", "POST users A2 200", "POST users A3 200", "POST users A4 last 200"]);
    expect(t.sandbox.sessions.get(String(w3.state.sessions.add!.id))).toMatchObject({ closed: true, lastSeq: 4, received: 9 });
    expect(t.members()).toEqual(["p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "stray"]);
  });

  it("ends each session with the run's final batch, so Meta counts every row once; a session the final batch has no rows for is ended at commit", async () => {
    const t = await setup();
    await runBatches(t, [batch(1, 2), [leaving(10), ...batch(3, 4)]]);
    expect(t.uploads()).toEqual(["POST users A1 200", "DELETE users B1 last 200", "POST users A2 last 200"]);
    expect([...t.sandbox.sessions.values()].map((s) => [s.method, s.received, s.closed])).toEqual([["POST", 4, true], ["DELETE", 1, true]]);

    const other = await setup();
    await runBatches(other, [[leaving(10), ...batch(1, 2)], batch(3, 4)]);
    // No removal in the final batch: its session is ended at commit with its last row again (re-removing changes nothing).
    expect(other.uploads()).toEqual(["DELETE users A1 200", "POST users B1 200", "POST users B2 last 200", "DELETE users A2 last 200"]);
    expect([...other.sandbox.sessions.values()].map((s) => [s.method, s.received])).toEqual([["DELETE", 2], ["POST", 4]]);
  });

  it("opens a new session when a resumed run comes back after Meta's 90-minute window, as the connector's clock tells", async () => {
    const t = await setup();
    const clock = (t.ctx.clock = manualClock(Date.now()));
    const w1 = await t.d.write(t.ctx, await t.d.begin(t.ctx), batch(1, 2));
    clock.advance(2 * 3_600_000);
    t.sandbox.advance(2 * 3_600_000);
    const w2 = await t.d.write(t.ctx, w1.state, batch(3, 4));
    await t.d.commit(t.ctx, w2.state);
    expect(t.uploads()).toEqual(["POST users A1 200", "POST users B1 200", "POST users B2 last 200"]);
    expect(t.members()).toEqual(["p1", "p2", "p3", "p4", "stray"]);
  });

  it("continues in a new session after a request that got no answer, and fails those records as technical", async () => {
    const t = await setup();
    t.sandbox.inject({ code: 2, times: 4 });
    const w1 = await t.d.write(t.ctx, await t.d.begin(t.ctx), batch(1, 2));
    expect(w1.results).toEqual([expect.objectContaining({ status: "failed", kind: "technical" }), expect.objectContaining({ status: "failed", kind: "technical" })]);
    // Meta may have added them all the same: what was sent is kept, so a removal can name it.
    for (const r of w1.results) expect(r).toMatchObject({ identifiers: { EXTERN_ID: expect.any(String) } });
    const w2 = await t.d.write(t.ctx, w1.state, batch(3, 4));
    expect(statusOf(w2)).toEqual(["ok", "ok"]);
    await t.d.commit(t.ctx, w2.state);
    expect(t.uploads()).toEqual(["POST users A1 503", "POST users A1 503", "POST users A1 503", "POST users A1 503", "POST users B1 200", "POST users B2 last 200"]);
  });

  it("replaces over several batches in one usersreplace session, the audience swapped when the session ends", async () => {
    const t = await setup({}, "replace");
    let state = await t.d.begin(t.ctx);
    for (const [from, to] of [[1, 3], [4, 5], [6, 6]] as const) state = (await t.d.write(t.ctx, state, batch(from, to, "update"))).state;
    expect(t.members()).toEqual(["stray"]);
    const commit = await t.d.commit(t.ctx, state);
    expect(commit).toEqual({ message: expect.stringMatching(/^Replaced the audience with 6 people in "Lifecycle"/) });
    expect(t.uploads()).toEqual(["POST usersreplace A1 200", "POST usersreplace A2 200", "POST usersreplace A3 200", "POST usersreplace A4 last 200"]);
    expect(t.members()).toEqual(["p1", "p2", "p3", "p4", "p5", "p6"]);
  });

  it("sends the rest of a replace through /users when Meta says its window timed out (2650/1870158)", async () => {
    const t = await setup({}, "replace");
    const w1 = await t.d.write(t.ctx, await t.d.begin(t.ctx), batch(1, 2, "update"));
    t.sandbox.advance(91 * 60_000);
    const w2 = await t.d.write(t.ctx, w1.state, batch(3, 4, "update"));
    expect(statusOf(w2)).toEqual(["ok", "ok"]);
    const commit = await t.d.commit(t.ctx, w2.state);
    expect(t.uploads()).toEqual(["POST usersreplace A1 200", "POST usersreplace A2 400", "POST users B1 200", "POST users B2 last 200"]);
    expect(commit.message).toContain("the rest went through /users because Replace timed out");
    expect(t.members()).toEqual(["p1", "p2", "p3", "p4"]);
  });

  it("waits for Meta to apply a replace (pending), and ends an unfinished replace on abort so Meta keeps what arrived", async () => {
    const t = await setup({ replaceProcessingMs: 60_000 }, "replace");
    const w1 = await t.d.write(t.ctx, await t.d.begin(t.ctx), batch(1, 2, "update"));
    const first = await t.d.commit(t.ctx, w1.state);
    expect(first.pending).toMatchObject({ waitSeconds: 30, message: 'Meta is replacing the people of "Lifecycle"' });
    t.sandbox.advance(61_000);
    expect(await t.d.commit(t.ctx, first.pending!.state)).toEqual({ message: expect.stringMatching(/^Replaced the audience with 2 people/) });
    expect(t.uploads()).toHaveLength(2);

    const other = await setup({}, "replace");
    const open = await other.d.write(other.ctx, await other.d.begin(other.ctx), batch(1, 1, "update"));
    await other.d.abort(other.ctx, open.state);
    expect(other.uploads()).toEqual(["POST usersreplace A1 200", "POST usersreplace A2 last 200"]);
    expect(other.members()).toEqual(["p1"]);
  });
});

describe("a replace and the people it leaves out", () => {
  it("removes the people a replace left out when it falls back to /users (100 M, 2650/1870144): those held before at commit, later ones at once", async () => {
    const t = await setup({}, "replace");
    t.sandbox.audience(t.audience.id)!.members.push(sentRow(1), sentRow(2), sentRow(3), sentRow(4));
    t.sandbox.audience(t.audience.id)!.size = 100_000_000;
    const run = await runBatches(t, [[leaving(1)], [updated(2), updated(3), ...batch(5, 5)], [leaving(4)]]);
    expect(run.results).toEqual([
      { key: "p1", status: "ok", op: "delete" },
      expect.objectContaining({ key: "p2", status: "ok", op: "update" }),
      expect.objectContaining({ key: "p3", status: "ok", op: "update" }),
      expect.objectContaining({ key: "p5", status: "ok", op: "create" }),
      { key: "p4", status: "ok", op: "delete" },
    ]);
    expect(run.commit.message).toMatch(/^The rest went through \/users because .*1870144.*; added 3; removed 2 in "Lifecycle"/);
    // The audience was never emptied: who left is removed by the identifiers last sent.
    expect(t.members()).toEqual(["p2", "p3", "p5", "stray"]);
    const removals = t.sandbox.log.filter((l) => l.method === "DELETE").map((l) => (l.params.payload as { data: string[][] }).data);
    // p4 at once (after the fallback, ending its session with the final batch), p1 at commit in a session it ends.
    expect(removals).toEqual([[["p4", sha("person4@example.com")]], [["p1", sha("person1@example.com")]]]);
  });

  it("removes who left when a replace has nothing to send (Meta takes no empty replace), and sends no removal when the replace swaps the audience", async () => {
    const t = await setup({}, "replace");
    t.sandbox.audience(t.audience.id)!.members.push(sentRow(1), sentRow(2));
    const empty = await runBatches(t, [[leaving(1)]]);
    expect(empty.commit.message).toMatch(/^Nothing to replace "Lifecycle" with: Meta takes no empty replace, the audience was left as it was\. Removed 1 in "Lifecycle"/);
    expect(t.members()).toEqual(["p2", "stray"]);
    expect(t.uploads()).toEqual(["DELETE users A1 last 200"]);

    const swap = await setup({}, "replace");
    swap.sandbox.audience(swap.audience.id)!.members.push(sentRow(1), sentRow(2));
    const swapped = await runBatches(swap, [[leaving(1)], [updated(2)]]);
    expect(swapped.commit.message).toMatch(/^Replaced the audience with 1 people/);
    expect(swap.uploads()).toEqual(["POST usersreplace A1 last 200"]);
    expect(swap.members()).toEqual(["p2"]);
  });

  it("checks a replace Meta is still applying after 30 s, then twice as late each time up to every 30 minutes, keeping the count in the pending state", async () => {
    const t = await setup({ replaceProcessingMs: 24 * 3_600_000 }, "replace");
    const written = await t.d.write(t.ctx, await t.d.begin(t.ctx), batch(1, 2, "update"));
    const waits: number[] = [];
    let commit = await t.d.commit(t.ctx, written.state);
    for (let check = 0; commit.pending && check < 9; check++) {
      waits.push(commit.pending.waitSeconds);
      commit = await t.d.commit(t.ctx, commit.pending.state);
    }
    expect(waits).toEqual([30, 60, 120, 240, 480, 960, 1800, 1800, 1800]);
    expect(commit.pending!.state.replaceChecks).toBe(10);
    // The engine's 60 checks now cover more than a day.
    expect(waits.slice(0, 6).reduce((a, b) => a + b, 0) + 54 * 1800).toBeGreaterThan(24 * 3600);
    t.sandbox.advance(24 * 3_600_000 + 1);
    expect(await t.d.commit(t.ctx, commit.pending!.state)).toEqual({ message: expect.stringMatching(/^Replaced the audience with 2 people/) });
  });
});

describe("updates and Meta's verdicts", () => {
  it("names a row invalid only by a sample of a value unique to a person or of the whole row, never by one of a COUNTRY many rows share", async () => {
    const t = await setup();
    t.ctx.fields = ["EXTERN_ID", "EMAIL", "COUNTRY"];
    t.sandbox.configure({
      invalid: (m) => (m.EXTERN_ID === "p1" ? { reason: "Bad country", key: "COUNTRY" } : m.EXTERN_ID === "p2" ? { reason: "Bad email", key: "EMAIL" } : m.EXTERN_ID === "p3" ? "Bad row" : undefined),
    });
    const records = batch(1, 4).map((r) => ({ ...r, payload: { ...r.payload, COUNTRY: "FR" } }));
    const written = await t.d.write(t.ctx, await t.d.begin(t.ctx), records);
    expect(written.results.map((r) => (r.status === "ok" ? "ok" : r.message))).toEqual(["ok", "Meta counted this row as invalid: Bad email", "Meta counted this row as invalid: Bad row", "ok"]);
    // Meta's answer did sample p1's COUNTRY hash, which every row here shares.
    const failed = written.results[1]!;
    expect(failed.status === "failed" && JSON.parse(failed.response!.body).invalid_entry_samples).toEqual({ [sha("fr")]: "Bad country", [sha("person2@example.com")]: "Bad email", [JSON.stringify(["p3", sha("person3@example.com"), sha("fr")])]: "Bad row" });
    expect((await t.d.commit(t.ctx, written.state)).message).toContain("Meta counted 3 invalid rows (2 named in the record log)");
  });

  it("removes an updated person's row as last sent before adding the new one, and fails the record without adding it when the removal fails", async () => {
    const t = await setup();
    t.sandbox.audience(t.audience.id)!.members.push(sentRow(1), sentRow(2));
    const moved = (n: number): WriteRecord => ({ ...updated(n), payload: { EXTERN_ID: `p${n}`, EMAIL: `moved${n}@example.com` } });
    const first = await t.d.write(t.ctx, await t.d.begin(t.ctx), [moved(1), updated(2), ...batch(3, 3)]);
    expect(statusOf(first)).toEqual(["ok", "ok", "ok"]);
    const [removal, add] = t.sandbox.log.filter((l) => l.path.endsWith("/users"));
    expect(removal).toMatchObject({ verb: "POST", method: "DELETE", query: { method: "DELETE" }, params: { payload: { data: [["p1", sha("person1@example.com")]] } } });
    expect(add).toMatchObject({ verb: "POST", method: "POST", params: { payload: { data: [["p1", sha("moved1@example.com")], ["p2", sha("person2@example.com")], ["p3", sha("person3@example.com")]] } } });
    expect(t.sandbox.audience(t.audience.id)!.members.filter((m) => m.EXTERN_ID === "p1")).toEqual([{ EXTERN_ID: "p1", EMAIL: sha("moved1@example.com") }]);

    t.sandbox.inject({ code: 368 });
    const second = await t.d.write(t.ctx, first.state, [moved(2), ...batch(4, 4)]);
    expect(second.results).toEqual([expect.objectContaining({ key: "p2", status: "failed", kind: "rejected", message: expect.stringMatching(/^Removing the identifiers sent before failed: .*code 368/) }), expect.objectContaining({ key: "p4", status: "ok" })]);
    expect(t.sandbox.audience(t.audience.id)!.members.filter((m) => m.EXTERN_ID === "p2")).toEqual([sentRow(2)]);
    expect(t.members()).toEqual(["p1", "p2", "p3", "p4", "stray"]);
  });
});
