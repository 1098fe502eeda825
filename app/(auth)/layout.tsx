export default function AuthLayout({ children }: { children: React.ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex items-center justify-center gap-2 text-lg font-semibold">
          <span className="grid size-7 place-items-center rounded-md bg-zinc-900 text-sm text-white">R</span>
          Relay
        </div>
        {children}
      </div>
    </main>
  );
}
