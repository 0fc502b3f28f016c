import type { Hono } from 'hono';
import type { AppEnv } from '../context.ts';
import { requireAdmin, send } from '../http.ts';
import { decideSignIn, refusalText } from '../policy.ts';
import { kindName, methodDescription } from '../store/accounts.ts';
import { auditFor } from '../store/audit.ts';
import { formatDate, html, summaryList } from '../views/components.ts';
import { adminManaged } from './subject.ts';

/** Local Administrator: User Management (search, user detail, audit log). */
export function adminRoutes(app: Hono<AppEnv>): void {
  app.get('/admin/users', requireAdmin(), async (c) => {
    const s = c.get('services');
    const q = (c.req.query('q') ?? '').trim().slice(0, 100);
    const like = `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    const rows = await s.db.query<{
      id: string;
      username: string;
      display_name: string;
      roles: string[];
      methods: number;
    }>(
      `SELECT a.id, a.username, a.display_name, a.roles, (SELECT count(*)::int FROM methods m WHERE m.account_id = a.id) AS methods
       FROM accounts a WHERE a.username ILIKE $1 OR a.display_name ILIKE $1 ORDER BY a.username LIMIT 50`,
      [like],
    );
    const body = html`<h1>User Management</h1>
<form method="get" action="/admin/users" role="search">
<div class="form-group"><label for="q">Search for a user</label><span class="hint" id="q-hint">Username or name</span>
<input id="q" name="q" type="search" value="${q}" aria-describedby="q-hint"></div>
<button type="submit" class="button button-secondary">Search</button>
</form>
<table><caption>${q ? `Users matching "${q}"` : 'All users'} (${rows.length})</caption>
<thead><tr><th scope="col">Username</th><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Sign-in methods</th></tr></thead>
<tbody>${rows.map(
      (r) =>
        html`<tr><td><a href="/admin/users/${r.id}">${r.username}</a></td><td>${r.display_name}</td><td>${r.roles.includes('localAdmin') ? 'Local Administrator' : 'User'}</td><td>${r.methods}</td></tr>`,
    )}</tbody></table>`;
    return send(c, 'User Management', body);
  });

  app.get('/admin/users/:uid', async (c) => {
    const m = await adminManaged(c);
    if (m instanceof Response) return m;
    const s = c.get('services');
    const a = m.subject.account;
    const log = await auditFor(s.db, a.id, 50);
    // What the policy would ask of this user at their next sign-in, after the password.
    const next = decideSignIn(s, m.subject, { factors: [{ kind: 'password' }], context: { client: 'browser' } });
    const body = html`<span class="caption">User Management</span><h1>${a.display_name}</h1>
${summaryList([
  ['Username', a.username],
  ['Role', a.roles.includes('localAdmin') ? 'Local Administrator' : 'User'],
  ['Account created', formatDate(a.created_at)],
  [
    'Next sign-in',
    next.allowed
      ? 'Password only (the policy allows it)'
      : next.next?.some((n) => n.kind === 'contactAdministrator' || n.kind === 'enrol')
        ? refusalText(next)
        : 'Password, then one of the methods below',
  ],
])}
<h2>Sign-in methods</h2>
${
  m.subject.methods.length
    ? html`<ul>${m.subject.methods.map((x) => html`<li>${kindName(x.kind)}: ${methodDescription(x)}${a.default_method_id === x.id ? ' (default)' : ''}, added ${formatDate(x.created_at)}</li>`)}</ul>`
    : html`<p class="inset">This user has no sign-in methods.</p>`
}
<ul class="card-list">
<li><h3><a href="/admin/users/${a.id}/tokens">Manage FIDO2 Tokens</a></h3><p>Register a key on the user's behalf, rename or remove keys.</p></li>
<li><h3><a href="/admin/users/${a.id}/methods">Security info</a></h3><p>See and remove the user's other sign-in methods.</p></li>
</ul>
<h2>Audit log</h2>
${
  log.length
    ? html`<table><caption class="visually-hidden">Recent events, newest first</caption><thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">By</th><th scope="col">Reason</th></tr></thead><tbody>
${log.map((e) => html`<tr><td>${formatDate(e.at)}</td><td>${e.event}</td><td>${e.actor_username ?? '—'}</td><td>${e.reason ?? ''}</td></tr>`)}</tbody></table>`
    : html`<p>No events yet.</p>`
}
<p><a href="/admin/users">Back to User Management</a></p>`;
    return send(c, a.display_name, body);
  });
}
