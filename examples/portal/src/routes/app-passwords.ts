import type { Hono } from 'hono';
import type { AppEnv, Ctx } from '../context.ts';
import { field, redirect, send } from '../http.ts';
import { decideEnrol, decideSignIn, loadSubject, refusalText } from '../policy.ts';
import { hit } from '../security/rate-limit.ts';
import { newAppPassword, newId, sha256 } from '../security/tokens.ts';
import { findAccountByUsername } from '../store/accounts.ts';
import { audit } from '../store/audit.ts';
import { csrfField, errorSummary, type FieldError, formatDate, html, textInput } from '../views/components.ts';
import { type Managed, selfManaged } from './subject.ts';

/** App passwords are random (80 bits), so one SHA-256 is enough to store them: no guessing to slow. */
function hashAppPassword(password: string): string {
  return sha256(`keyward-app-password:${password.replace(/[^a-z0-9]/gi, '').toLowerCase()}`);
}

function listPage(c: Ctx, m: Managed, errors: FieldError[] = [], name = ''): Response {
  const s = c.get('services');
  const enrol = decideEnrol(s, m.subject, 'appPassword', m.actor);
  const legacy = decideSignIn(s, m.subject, {
    factors: [{ kind: 'appPassword', methodId: m.subject.appPasswords[0]?.id ?? 'none' }],
    context: { client: 'legacy' },
  });
  const body = html`${errorSummary(errors)}<h1>App passwords</h1>
<p>Some older mail and calendar apps cannot ask for a second step when you sign in. An app password lets one of those apps sign in instead of your password.</p>
${
  m.subject.appPasswords.length
    ? html`<table><caption>Your app passwords</caption><thead><tr><th scope="col">Name</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead><tbody>
${m.subject.appPasswords.map(
  (p) =>
    html`<tr><td>${p.name}</td><td>${formatDate(p.created_at)}</td><td>${formatDate(p.last_used_at)}</td><td><form method="post" action="/app-passwords/${p.id}/revoke">${csrfField({ csrf: c.get('csrf') })}<button class="link-inline" type="submit">Revoke<span class="visually-hidden"> ${p.name}</span></button></form></td></tr>`,
)}</tbody></table>`
    : html`<p class="inset">You have no app passwords.</p>`
}
${legacy.reason === 'LEGACY_CLIENT_BLOCKED' ? html`<p class="inset">Your organisation does not allow older apps to sign in at the moment, so app passwords will not work.</p>` : ''}
${
  enrol.allowed
    ? html`<h2>Create an app password</h2><form method="post" action="/app-passwords" novalidate>${csrfField({ csrf: c.get('csrf') })}
${textInput({ name: 'name', label: 'Name', hint: 'Which app it is for, for example Mail on my old laptop', value: name, maxlength: 60, errors })}
<button type="submit" class="button">Create app password</button></form>`
    : html`<div class="inset"><p>${refusalText(enrol)}</p></div>`
}
<p><a href="/profile">Back</a></p>`;
  return send(c, 'App passwords', body, { errors });
}

/** App passwords: create (shown once), list, revoke; and the legacy-client check endpoint. */
export function appPasswordRoutes(app: Hono<AppEnv>): void {
  app.get('/app-passwords', async (c) => {
    const m = await selfManaged(c);
    return m instanceof Response ? m : listPage(c, m);
  });

  app.post('/app-passwords', async (c) => {
    const m = await selfManaged(c);
    if (m instanceof Response) return m;
    const s = c.get('services');
    const name = (await field(c, 'name')).trim().slice(0, 100);
    if (!name) return listPage(c, m, [{ field: 'name', text: 'Enter a name for the app password' }], name);
    if (name.length > 40) return listPage(c, m, [{ field: 'name', text: 'Name must be 40 characters or fewer' }], name);
    const decision = decideEnrol(s, m.subject, 'appPassword', m.actor);
    if (!decision.allowed) return listPage(c, m, [{ text: refusalText(decision) }], name);
    const password = newAppPassword();
    const id = newId();
    await s.db.query('INSERT INTO app_passwords (id, account_id, name, hash, created_at) VALUES ($1, $2, $3, $4, $5)', [
      id,
      m.subject.account.id,
      name,
      hashAppPassword(password),
      s.now(),
    ]);
    await audit(
      s.db,
      {
        event: 'app_password.created',
        accountId: m.subject.account.id,
        actorId: m.actor.id,
        detail: { id, name },
        ip: c.get('ip'),
      },
      s.now(),
    );
    const body = html`<div class="panel"><h1>Your new app password</h1><p>For ${name}</p></div>
<p>Enter this in the app instead of your password. You will not be able to see it again.</p>
<p><span class="secret" id="app-password">${password}</span></p>
<p><a href="/app-passwords">Done</a></p>`;
    return send(c, 'Your new app password', body);
  });

  app.post('/app-passwords/:id/revoke', async (c) => {
    const m = await selfManaged(c);
    if (m instanceof Response) return m;
    const s = c.get('services');
    const id = c.req.param('id');
    const rows = await s.db.query(
      'UPDATE app_passwords SET revoked_at = $3 WHERE id = $1 AND account_id = $2 AND revoked_at IS NULL RETURNING id',
      [id, m.subject.account.id, s.now()],
    );
    if (rows.length)
      await audit(
        s.db,
        {
          event: 'app_password.revoked',
          accountId: m.subject.account.id,
          actorId: m.actor.id,
          detail: { id },
          ip: c.get('ip'),
        },
        s.now(),
      );
    return redirect(c, '/app-passwords', 'app-password-revoked');
  });

  // What an IMAP/SMTP front end would call: Basic auth with an app password. JSON answers only.
  app.post('/legacy/authenticate', async (c) => {
    const s = c.get('services');
    const now = s.now();
    const header = c.req.header('authorization') ?? '';
    const deny = () => c.json({ ok: false }, 401, { 'WWW-Authenticate': 'Basic realm="legacy"' });
    if (!header.startsWith('Basic ')) return deny();
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 1) return deny();
    const username = decoded.slice(0, colon).slice(0, 100);
    const password = decoded.slice(colon + 1).slice(0, 200);
    if (!(await hit(s.db, `legacy:${username.toLowerCase()}`, { limit: 20, windowSeconds: 900 }, now)))
      return c.json({ ok: false }, 429);
    const account = await findAccountByUsername(s.db, username);
    if (!account) return deny();
    const rows = await s.db.query<{ id: string }>(
      'SELECT id FROM app_passwords WHERE account_id = $1 AND hash = $2 AND revoked_at IS NULL',
      [account.id, hashAppPassword(password)],
    );
    const match = rows[0];
    if (!match) {
      await audit(s.db, { event: 'legacy.failed', accountId: account.id, ip: c.get('ip') }, now);
      return deny();
    }
    const subject = await loadSubject(s.db, account.id);
    if (!subject) return deny();
    const decision = decideSignIn(s, subject, {
      factors: [{ kind: 'appPassword', methodId: match.id }],
      context: { client: 'legacy' },
    });
    await audit(
      s.db,
      {
        event: decision.allowed ? 'legacy.accepted' : 'legacy.refused',
        accountId: account.id,
        reason: decision.reason,
        detail: { appPasswordId: match.id },
        ip: c.get('ip'),
      },
      now,
    );
    if (!decision.allowed) return deny();
    await s.db.query('UPDATE app_passwords SET last_used_at = $2 WHERE id = $1', [match.id, now]);
    return c.json({ ok: true, username: account.username });
  });
}
