"use server";
import { headers } from "next/headers";
import { z } from "zod";
import { acceptInvitation } from "@/lib/auth/accounts";
import { getAuth } from "@/lib/auth/server";
import { getDb } from "@/lib/db/client";
import { publicAction } from "../workspace-action";

/** Joins a workspace with an invitation link; the token itself is the right to call this. */
export const accept = publicAction(
  z.object({
    token: z.string().min(10).max(200),
    name: z.string().trim().min(1, "Enter your name").max(100).optional(),
    password: z.string().min(10, "Use at least 10 characters").max(200).optional(),
  }),
  async (input) => {
    await acceptInvitation(getDb(), getAuth(), { ...input, headers: await headers() });
    return { redirect: "/datasets" };
  },
);
