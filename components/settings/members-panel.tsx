"use client";
import { useState, useTransition } from "react";
import type { ActionAnswer } from "@/components/ui/action-result";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { DateTime } from "@/components/ui/date-time";
import { Field, FormError, inputClass, submitKeeping } from "@/components/ui/form";
import { Table, Td, Th } from "@/components/ui/table";
import { invite } from "@/lib/actions/members/invite";
import { changeRole, issueResetLink, removeMember, revokeInvitation, unlockMember } from "@/lib/actions/members/manage";
import { roleLabels } from "@/lib/auth/permissions";
import { type Role, roles } from "@/lib/auth/roles";

type MemberRow = { userId: string; name: string; email: string; role: Role; owner: boolean; you: boolean; lockedUntil?: string };
type InvitationRow = { id: string; email: string; role: Role; expiresAt: string };

function Link({ label, url }: { label: string; url: string }) {
  return (
    <div role="status" className="mt-3 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm">
      <p className="font-medium text-emerald-800">{label}</p>
      <code className="mt-1 block break-all text-xs" data-testid="shown-link">
        {url}
      </code>
    </div>
  );
}

export function MembersPanel({ members, invitations, emailing }: { members: MemberRow[]; invitations: InvitationRow[]; emailing: boolean }) {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string>();
  const [shown, setShown] = useState<{ label: string; url: string }>();
  const run = <T,>(work: () => Promise<ActionAnswer<T>>, onOk?: (data: T) => void) =>
    startTransition(async () => {
      setError(undefined);
      const result = await work();
      if (result.ok) onOk?.(result.data);
      else setError(result.error);
    });

  return (
    <div className="flex max-w-4xl flex-col gap-6">
      <Card className="p-4">
        <form
          className="flex flex-wrap items-end gap-3"
          onSubmit={submitKeeping((data, form) =>
            run(
              () => invite({ email: String(data.get("email")), role: String(data.get("role")) as Role }),
              (invitation) => {
                form.reset();
                setShown({ label: invitation.emailed ? "Invitation emailed. The link, valid 7 days:" : "No email is sent from this install: give this link to the person you invite (valid 7 days):", url: invitation.link });
              },
            ),
          )}
        >
          <Field label="Invite by email" htmlFor="invite-email" className="min-w-64 flex-1">
            <input id="invite-email" name="email" type="email" required className={inputClass} />
          </Field>
          <Field label="Role" htmlFor="invite-role">
            <select id="invite-role" name="role" defaultValue="viewer" className={inputClass}>
              {roles.map((r) => (
                <option key={r} value={r}>
                  {roleLabels[r]}
                </option>
              ))}
            </select>
          </Field>
          <Button type="submit" disabled={pending}>
            Invite
          </Button>
        </form>
        {!emailing && <p className="mt-2 text-xs text-zinc-500">No SMTP server is configured (SMTP_URL): invitation and reset links are shown here to hand over.</p>}
        {shown && <Link {...shown} />}
        <FormError message={error} />
      </Card>

      <Card>
        <CardHeader title={`Members (${members.length})`} />
        <Table aria-label="Members">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Email</Th>
              <Th>Role</Th>
              <Th />
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.userId}>
                <Td>
                  {m.name} {m.owner && <Badge>owner</Badge>} {m.you && <Badge tone="blue">you</Badge>}{" "}
                  {m.lockedUntil && <Badge tone="red">sign-in locked until <DateTime value={m.lockedUntil} /></Badge>}
                </Td>
                <Td>{m.email}</Td>
                <Td>
                  {m.owner || m.you ? (
                    m.role
                  ) : (
                    <select aria-label={`Role of ${m.email}`} className={inputClass} defaultValue={m.role} disabled={pending} onChange={(e) => run(() => changeRole({ userId: m.userId, role: e.target.value as Role }))}>
                      {roles.map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                  )}
                </Td>
                <Td className="text-right">
                  {m.lockedUntil && (
                    <Button variant="ghost" disabled={pending} onClick={() => run(() => unlockMember({ userId: m.userId }))}>
                      Unlock sign-in
                    </Button>
                  )}
                  {!m.owner && !m.you && (
                    <>
                      <Button variant="ghost" disabled={pending} onClick={() => run(() => issueResetLink({ userId: m.userId }), (reset) => setShown({ label: `Password reset link for ${m.email} (valid 1 hour):`, url: reset.link }))}>
                        Reset password
                      </Button>
                      <Button variant="danger" disabled={pending} onClick={() => run(() => removeMember({ userId: m.userId }))}>
                        Remove
                      </Button>
                    </>
                  )}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </Card>

      {invitations.length > 0 && (
        <Card>
          <CardHeader title="Pending invitations" />
          <Table aria-label="Pending invitations">
            <tbody>
              {invitations.map((i) => (
                <tr key={i.id}>
                  <Td>{i.email}</Td>
                  <Td>{i.role}</Td>
                  <Td className="text-zinc-500">expires <DateTime value={i.expiresAt} day /></Td>
                  <Td className="text-right">
                    <Button variant="danger" disabled={pending} onClick={() => run(() => revokeInvitation({ invitationId: i.id }))}>
                      Revoke
                    </Button>
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}
    </div>
  );
}
