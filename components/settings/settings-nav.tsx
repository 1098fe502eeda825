import Link from "next/link";
import { can } from "@/lib/auth/permissions";
import type { Role } from "@/lib/auth/roles";
import { cn } from "@/lib/utils";

const tabs = [
  { href: "/settings", label: "Workspace", permission: "view" },
  { href: "/settings/members", label: "Members", permission: "manageMembers" },
  { href: "/settings/notifications", label: "Notifications", permission: "manageNotifications" },
  { href: "/settings/api-keys", label: "API keys", permission: "manageApiKeys" },
  { href: "/settings/audit", label: "Audit log", permission: "viewAudit" },
] as const;

export function SettingsNav({ role, current }: { role: Role; current: string }) {
  return (
    <nav aria-label="Settings" className="mb-6 flex gap-1 border-b border-zinc-200">
      {tabs
        .filter((t) => can(role, t.permission))
        .map((t) => (
          <Link key={t.href} href={t.href} aria-current={current === t.href ? "page" : undefined} className={cn("-mb-px border-b-2 border-transparent px-3 py-2 text-sm text-zinc-600 hover:text-zinc-900", current === t.href && "border-zinc-900 font-medium text-zinc-900")}>
            {t.label}
          </Link>
        ))}
    </nav>
  );
}
