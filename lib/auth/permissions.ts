/** What each role may do. Client-safe: the UI hides what a role cannot do, and the server refuses it anyway. */
import type { Role } from "./roles";

export const permissions = {
  view: ["admin", "editor", "viewer"],
  editData: ["admin", "editor"],
  editSyncs: ["admin", "editor"],
  runSyncs: ["admin", "editor"],
  manageConnections: ["admin"],
  manageNotifications: ["admin"],
  manageMembers: ["admin"],
  manageApiKeys: ["admin"],
  viewAudit: ["admin"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof permissions;

export const can = (role: Role | undefined, permission: Permission) => role !== undefined && (permissions[permission] as readonly Role[]).includes(role);

export const roleLabels: Record<Role, string> = {
  admin: "Admin — everything",
  editor: "Editor — builds and runs syncs",
  viewer: "Viewer — read only",
};
