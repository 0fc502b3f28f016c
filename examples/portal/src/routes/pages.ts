import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Hono } from 'hono';
import type { AppEnv } from '../context.ts';
import { field, redirect, send } from '../http.ts';
import { isAdmin } from '../store/accounts.ts';
import { csrfField, formatDate, html, summaryList } from '../views/components.ts';
import { STYLESHEET } from '../views/styles.ts';

/** Profile, help, the developer outbox and static assets. */
export function pageRoutes(app: Hono<AppEnv>): void {
  app.get('/profile', async (c) => {
    const account = c.get('account');
    if (!account || c.get('session')?.stage !== 'full') return redirect(c, '/sign-in');
    const admin = isAdmin(account);
    const body = html`<h1>Your profile</h1>
${summaryList([
  ['Name', account.display_name],
  ['Username', account.username],
  ['Role', admin ? 'Local Administrator' : 'User'],
])}
<h2>Self-Service</h2>
<ul class="card-list">
<li><h3><a href="/tokens">Manage FIDO2 Tokens</a></h3><p>Register a security key, change its nickname or remove it.</p></li>
<li><h3><a href="/methods">Security info</a></h3><p>Authenticator app, phone numbers and your default sign-in method.</p></li>
<li><h3><a href="/app-passwords">App passwords</a></h3><p>For older mail apps that cannot ask for a second step.</p></li>
</ul>
${admin ? html`<h2>Administration</h2><ul class="card-list"><li><h3><a href="/admin/users">User Management</a></h3><p>Find a user, manage their FIDO2 tokens and see their audit log.</p></li></ul>` : ''}`;
    return send(c, 'Your profile', body);
  });

  app.get('/help', (c) =>
    send(
      c,
      'Help with signing in',
      html`<h1>Help with signing in</h1>
<h2>I have lost my security key</h2><p>Sign in another way (your authenticator app or phone), go to Manage FIDO2 Tokens and remove the lost key. If you have no other way to sign in, contact your Local Administrator.</p>
<h2>I have forgotten my key's PIN</h2><p>If you have another way to sign in, reset the key, remove it from Manage FIDO2 Tokens, and register it again. Otherwise contact your Local Administrator.</p>
<h2>My key is not working</h2><p>Try another USB port, then sign in with other options and register the key again.</p>
<p><a href="/sign-in">Back to sign in</a></p>`,
    ),
  );

  app.get('/assets/portal.css', (c) =>
    c.body(STYLESHEET, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=300' }),
  );

  app.get('/assets/:file{[a-z-]+\\.js(\\.map)?}', async (c) => {
    const dir = c.get('services').config.publicDir;
    if (!dir) return c.notFound();
    try {
      const body = await readFile(join(dir, c.req.param('file')));
      return c.body(body, 200, {
        'Content-Type': 'text/javascript; charset=utf-8',
        'Cache-Control': 'public, max-age=300',
      });
    } catch {
      return c.notFound();
    }
  });

  // The developer outbox: in the demo it stands in for the phone (texts, calls) and for the
  // authenticator app (push approvals with number matching).
  app.get('/dev/outbox', async (c) => {
    const s = c.get('services');
    if (!s.config.demo) return c.notFound();
    const rows = await s.db.query<{
      id: string;
      channel: string;
      recipient: string;
      body: string;
      created_at: Date;
      challenge_id: string | null;
      username: string | null;
      live: boolean | null;
    }>(
      `SELECT o.*, a.username, (ch.used_at IS NULL AND ch.approved_at IS NULL AND ch.denied_at IS NULL AND ch.expires_at > $1) AS live
       FROM outbox o LEFT JOIN accounts a ON a.id = o.account_id LEFT JOIN challenges ch ON ch.id = o.challenge_id
       ORDER BY o.created_at DESC LIMIT 30`,
      [s.now()],
    );
    const body = html`<h1>Developer outbox</h1>
<p>Messages the portal would send by text, phone call or to the authenticator app. A real provider plugs into the sender interface instead.</p>
${rows.length === 0 ? html`<p class="inset">Nothing has been sent yet.</p>` : ''}
${rows.map(
  (r) => html`<section class="inset" aria-label="${r.channel} message">
<p><span class="tag ${r.channel === 'push' ? 'tag-yellow' : 'tag-grey'}">${r.channel === 'sms' ? 'Text message' : r.channel === 'voice' ? 'Voice call' : 'Authenticator app'}</span> to ${r.channel === 'push' ? (r.username ?? '') : r.recipient} · ${formatDate(r.created_at)}</p>
<p>${r.body}</p>
${
  r.channel === 'push' && r.challenge_id && r.live
    ? html`<form method="post" action="/dev/outbox/${r.challenge_id}/approve" novalidate>${csrfField({ csrf: c.get('csrf') })}
<div class="form-group"><label for="number-${r.challenge_id}">Number shown on the sign-in screen</label><input id="number-${r.challenge_id}" name="number" type="text" inputmode="numeric" class="width-10" maxlength="2" autocomplete="off"></div>
<div class="button-group"><button class="button" type="submit">Approve</button><button class="button button-secondary" type="submit" formaction="/dev/outbox/${r.challenge_id}/deny">Deny</button></div></form>`
    : ''
}
</section>`,
)}`;
    return send(c, 'Developer outbox', body);
  });

  app.post('/dev/outbox/:id/approve', async (c) => {
    const s = c.get('services');
    if (!s.config.demo) return c.notFound();
    const id = c.req.param('id');
    if (!/^[0-9a-f-]{36}$/i.test(id)) return c.notFound();
    const number = (await field(c, 'number')).trim();
    const now = s.now();
    // Number matching: approval only with the number the sign-in screen shows; a wrong number denies.
    const rows = await s.db.query(
      `UPDATE challenges SET approved_at = $3 WHERE id = $1 AND purpose = 'push' AND used_at IS NULL AND approved_at IS NULL AND denied_at IS NULL AND expires_at > $3 AND data->>'number' = $2 RETURNING id`,
      [id, number, now],
    );
    if (rows.length) return redirect(c, '/dev/outbox', 'outbox-approved');
    await s.db.query(
      `UPDATE challenges SET denied_at = $2 WHERE id = $1 AND purpose = 'push' AND used_at IS NULL AND approved_at IS NULL AND denied_at IS NULL`,
      [id, now],
    );
    return redirect(c, '/dev/outbox', 'outbox-denied');
  });

  app.post('/dev/outbox/:id/deny', async (c) => {
    const s = c.get('services');
    if (!s.config.demo) return c.notFound();
    const id = c.req.param('id');
    if (!/^[0-9a-f-]{36}$/i.test(id)) return c.notFound();
    await s.db.query(
      `UPDATE challenges SET denied_at = $2 WHERE id = $1 AND purpose = 'push' AND used_at IS NULL AND approved_at IS NULL AND denied_at IS NULL`,
      [id, s.now()],
    );
    return redirect(c, '/dev/outbox', 'outbox-denied');
  });
}

/** Where the built client bundle lives next to the built server. */
export function builtPublicDir(distDir: string): string {
  return join(distDir, 'public');
}
