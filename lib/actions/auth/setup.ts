"use server";
import { headers } from "next/headers";
import { z } from "zod";
import { setupOwner } from "@/lib/auth/accounts";
import { getAuth } from "@/lib/auth/server";
import { getDb } from "@/lib/db/client";
import { publicAction } from "../workspace-action";

/** First run only: creates the owner and signs them in (refused once any user exists). */
export const setup = publicAction(
  z.object({
    name: z.string().trim().min(1, "Enter your name").max(100),
    email: z.email("Enter a valid email").max(200),
    password: z.string().min(10, "Use at least 10 characters").max(200),
    workspaceName: z.string().trim().min(1, "Name the workspace").max(100),
  }),
  async (input) => {
    await setupOwner(getDb(), getAuth(), { ...input, headers: await headers() });
    return { redirect: "/datasets" };
  },
);
