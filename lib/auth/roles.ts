/** Workspace roles. Client-safe. */
export const roles = ["admin", "editor", "viewer"] as const;
export type Role = (typeof roles)[number];
