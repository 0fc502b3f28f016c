import type { Actor } from '@keyward/mfa-policy';
import type { Ctx } from '../context.ts';
import { redirect, send } from '../http.ts';
import { actorOf, loadSubject, type Subject, sessionSubject } from '../policy.ts';
import { isAdmin } from '../store/accounts.ts';
import { html } from '../views/components.ts';

/** Whose methods a page manages, who is acting, and where the pages live. */
export interface Managed {
  subject: Subject;
  actor: Actor;
  /** True when the actor manages their own account. */
  self: boolean;
  /** URL prefix: `` for self-service, `/admin/users/<id>` for an administrator. */
  base: string;
}

/** Self-service: the signed-in account (full session). */
export async function selfManaged(c: Ctx): Promise<Managed | Response> {
  const account = c.get('account');
  const session = c.get('session');
  if (!account || session?.stage !== 'full') return redirect(c, '/sign-in');
  const subject = await sessionSubject(c, account.id);
  if (!subject) return redirect(c, '/sign-in');
  return { subject, actor: actorOf(account, session), self: true, base: '' };
}

/** Self-service enrolment may also run between password and MFA (a first core method). */
export async function enrolManaged(c: Ctx): Promise<Managed | Response> {
  const account = c.get('account');
  const session = c.get('session');
  if (!account || !session) return redirect(c, '/sign-in');
  const subject = await sessionSubject(c, account.id);
  if (!subject) return redirect(c, '/sign-in');
  return { subject, actor: actorOf(account, session), self: true, base: '' };
}

/** Administration: the account named by `:uid`, managed by a signed-in Local Administrator. */
export async function adminManaged(c: Ctx): Promise<Managed | Response> {
  const account = c.get('account');
  const session = c.get('session');
  if (!account || session?.stage !== 'full') return redirect(c, '/sign-in');
  if (!isAdmin(account)) {
    return send(
      c,
      'You cannot view this page',
      html`<h1>You cannot view this page</h1><p>User Management is for Local Administrators.</p>`,
      { status: 403 },
    );
  }
  const subject = await loadSubject(c.get('services').db, c.req.param('uid') ?? '');
  if (!subject)
    return send(
      c,
      'Page not found',
      html`<h1>Page not found</h1><p>There is no such user.</p><p><a href="/admin/users">User Management</a></p>`,
      { status: 404 },
    );
  return {
    subject,
    actor: actorOf(account, session),
    self: subject.account.id === account.id,
    base: `/admin/users/${subject.account.id}`,
  };
}
