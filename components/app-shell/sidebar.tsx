"use client";
import { Cable, Database, Import, LayoutDashboard, LogOut, RefreshCw, Settings } from "lucide-react";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { authClient } from "@/lib/auth/client";
import { cn } from "@/lib/utils";

const items = [
  { href: "/dashboard", label: "Dashboard", icon: LayoutDashboard },
  { href: "/syncs", label: "Syncs", icon: RefreshCw },
  { href: "/datasets", label: "Datasets", icon: Database },
  // Where rows come in, beside the datasets they fill: Hightouch and Census users look for "Sources" in the main menu.
  { href: "/sources", label: "Sources", icon: Import },
  { href: "/connections", label: "Connections", icon: Cable },
  { href: "/settings", label: "Settings", icon: Settings },
];

type SidebarMember = { name: string; email: string; role: string; workspaceName: string };

export function Sidebar({ member }: { member: SidebarMember }) {
  const pathname = usePathname();
  const router = useRouter();
  const signOut = async () => {
    await authClient.signOut();
    router.push("/sign-in");
    router.refresh();
  };
  return (
    <aside className="sticky top-0 flex h-screen w-56 shrink-0 flex-col border-r border-zinc-200 bg-white px-3 py-5">
      <Link href="/dashboard" className="mb-6 flex items-center gap-2 px-2 text-lg font-semibold tracking-tight">
        <span className="grid size-7 place-items-center rounded-md bg-zinc-900 text-sm text-white">R</span>
        Relay
      </Link>
      <nav aria-label="Main" className="flex flex-col gap-0.5">
        {items.map(({ href, label, icon: Icon }) => {
          const active = pathname === href || pathname.startsWith(`${href}/`);
          return (
            <Link
              key={href}
              href={href}
              aria-current={active ? "page" : undefined}
              className={cn(
                "flex items-center gap-2.5 rounded-md px-2 py-1.5 text-sm text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900",
                active && "bg-zinc-100 font-medium text-zinc-900",
              )}
            >
              <Icon className="size-4" aria-hidden />
              {label}
            </Link>
          );
        })}
      </nav>
      <div className="mt-auto border-t border-zinc-100 px-2 pt-4 text-sm">
        <p className="truncate font-medium" title={member.email}>
          {member.name}
        </p>
        <p className="truncate text-xs text-zinc-500">
          {member.workspaceName} · {member.role}
        </p>
        <button type="button" onClick={signOut} className="mt-2 flex items-center gap-1.5 text-xs text-zinc-600 hover:text-zinc-900">
          <LogOut className="size-3.5" aria-hidden /> Sign out
        </button>
      </div>
    </aside>
  );
}
