import { Sidebar } from "@/components/app-shell/sidebar";
import { QueryProvider } from "@/components/providers/query-provider";
import { requirePageMember } from "@/lib/auth/session";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const member = await requirePageMember();
  return (
    <div className="flex min-h-screen">
      <Sidebar member={{ name: member.name, email: member.email, role: member.role, workspaceName: member.workspaceName }} />
      <main className="min-w-0 flex-1 px-8 py-8">
        <QueryProvider>{children}</QueryProvider>
      </main>
    </div>
  );
}
