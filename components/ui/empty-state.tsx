import type { LucideIcon } from "lucide-react";

export function EmptyState({ icon: Icon, title, children }: { icon: LucideIcon; title: string; children?: React.ReactNode }) {
  return (
    <div className="flex flex-col items-center rounded-lg border border-dashed border-zinc-300 bg-white px-6 py-16 text-center">
      <Icon className="mb-3 size-8 text-zinc-400" aria-hidden />
      <h2 className="text-base font-medium">{title}</h2>
      {children && <div className="mt-1 max-w-md text-sm text-zinc-500">{children}</div>}
    </div>
  );
}
