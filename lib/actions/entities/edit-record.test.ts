/** Editing a record from the dataset page: what the browser sends is checked before it reaches the database. */
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { Member } from "@/lib/auth/session";
import { upsertRecords } from "@/lib/entities/upsert";
import { connectTestDb, newWorkspace } from "@/test/db";
import { saveRecord } from "./edit-record";

const signedIn = vi.hoisted(() => ({ member: undefined as unknown }));
vi.mock("@/lib/auth/session", () => ({ requireMember: async () => signedIn.member }));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

const { db } = connectTestDb();

describe("saveRecord", () => {
  beforeAll(async () => {
    const workspaceId = await newWorkspace(db);
    await upsertRecords(db, { workspaceId, entity: "contacts", records: [{ id: "c1", email: "ada@example.com", first_name: "Ada" }] });
    signedIn.member = { db, userId: "u1", email: "ed@example.com", name: "Ed", workspaceId, workspaceName: "Test", role: "editor" } satisfies Member;
  });

  it("refuses an id or a value PostgreSQL cannot store, or an id too long, naming the field (a 422, not a failure of the server)", async () => {
    for (const [input, field] of [
      [{ entity: "contacts", id: "c\u00001", values: {} }, "id"],
      [{ entity: "contacts", id: "x".repeat(201), values: {} }, "id"],
      [{ entity: "contacts", id: "c1", values: { first_name: "A\u0000da" } }, "values.first_name"],
    ] as const) {
      const answer = await saveRecord(input);
      expect(answer, field).toMatchObject({ ok: false, status: 422, fieldErrors: { [field]: [expect.any(String)] } });
    }
  });

  it("saves a good value", async () => {
    expect(await saveRecord({ entity: "contacts", id: "c1", values: { first_name: "Grace" } })).toMatchObject({ ok: true });
  });
});
