import { AlertTriangle } from "lucide-react";
import Link from "next/link";

export type AttentionItem = { id: string; name: string; href: string; text: string };

/** One warning naming what needs attention: each item links to where to look, followed by what happened. Nothing when none. */
export function Attention({ items, testId }: { items: AttentionItem[]; testId?: string }) {
  if (items.length === 0) return null;
  return (
    <div role="alert" className="flex items-start gap-2 rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900" data-testid={testId}>
      <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden />
      <span>
        {items.map((item, i) => (
          <span key={item.id}>
            {i > 0 && "; "}
            <Link href={item.href} className="font-medium underline">
              {item.name}
            </Link>{" "}
            {item.text}
          </span>
        ))}
      </span>
    </div>
  );
}
