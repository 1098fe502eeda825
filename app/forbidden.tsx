import Link from "next/link";

export default function Forbidden() {
  return (
    <main className="flex min-h-screen items-center justify-center px-4 text-center">
      <div>
        <h1 className="text-lg font-semibold">Not for your role</h1>
        <p className="mt-1 text-sm text-zinc-500">An admin of your workspace can do this, or change your role.</p>
        <Link href="/dashboard" className="mt-4 inline-block text-sm font-medium underline">
          Back to the dashboard
        </Link>
      </div>
    </main>
  );
}
