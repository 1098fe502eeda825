import { cn } from "@/lib/utils";

export const inputClass =
  "block w-full rounded-md border border-zinc-300 bg-white px-2.5 py-1.5 text-sm shadow-xs placeholder:text-zinc-400 focus:border-zinc-900 focus:outline-none focus:ring-1 focus:ring-zinc-900 aria-invalid:border-red-500";

export function Field({ label, htmlFor, error, hint, children, className }: {
  label: string;
  htmlFor?: string;
  error?: string;
  hint?: string;
  children: React.ReactNode;
  className?: string;
}) {
  return (
    <div className={cn("flex flex-col gap-1", className)}>
      <label htmlFor={htmlFor} className="text-sm font-medium text-zinc-800">
        {label}
      </label>
      {children}
      {hint && !error && <p className="text-xs text-zinc-500">{hint}</p>}
      {error && (
        <p role="alert" className="text-xs text-red-600">
          {error}
        </p>
      )}
    </div>
  );
}

/** The one place action errors show under a form. */
export function FormError({ message, children, className }: { message?: string; children?: React.ReactNode; className?: string }) {
  if (!message) return null;
  return (
    <div role="alert" className={cn("whitespace-pre-wrap rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800", className)}>
      {message}
      {children}
    </div>
  );
}

/** Submits a form's data without React's reset after a form `action`, so a refused submission keeps what was typed. */
export const submitKeeping = (handle: (data: FormData, form: HTMLFormElement) => void) => (e: React.FormEvent<HTMLFormElement>) => {
  e.preventDefault();
  handle(new FormData(e.currentTarget), e.currentTarget);
};
