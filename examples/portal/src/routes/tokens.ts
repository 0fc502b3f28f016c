import type { Hono } from 'hono';
import type { AppEnv, Ctx } from '../context.ts';
import { field, redirect, send, sessionHash } from '../http.ts';
import { decideEnrol, decideRemove, refusalText } from '../policy.ts';
import { newId } from '../security/tokens.ts';
import { audit } from '../store/audit.ts';
import { consumeWebAuthnChallenge, createChallenge } from '../store/challenges.ts';
import {
  csrfField,
  errorSummary,
  type FieldError,
  formatDate,
  type Html,
  html,
  textInput,
} from '../views/components.ts';
import { challengeOf, parseResponseField, registrationOptions, verifyRegistration } from '../webauthn.ts';
import { adminManaged, type Managed, selfManaged } from './subject.ts';

type Resolve = (c: Ctx) => Promise<Managed | Response>;

/** Checks a nickname: 1 to 30 characters of letters, digits, spaces and - ' . _ ( ), unique. */
export function validateNickname(value: string, taken: string[]): string | undefined {
  const name = value.trim().replace(/\s+/g, ' ');
  if (!name) return 'Enter a nickname for your security key';
  if (name.length > 30) return 'Nickname must be 30 characters or fewer';
  if (!/^[\p{L}\p{N} '._()-]+$/u.test(name))
    return "Nickname can only include letters, numbers, spaces and - ' . _ ( )";
  if (taken.some((t) => t.toLowerCase() === name.toLowerCase()))
    return 'You already have a security key with this nickname. Choose another nickname';
  return undefined;
}

function heading(m: Managed, title: string): Html {
  return html`${m.self ? '' : html`<span class="caption">User: ${m.subject.account.username} (${m.subject.account.display_name})</span>`}<h1>${title}</h1>`;
}

function listPage(c: Ctx, m: Managed, errors: FieldError[] = []): Response {
  const s = c.get('services');
  const base = `${m.base}/tokens`;
  const keys = m.subject.methods.filter((x) => x.kind === 'fido2');
  const enrol = decideEnrol(s, m.subject, 'fido2', m.actor);
  const csrf = { csrf: c.get('csrf') };
  const body = html`${errorSummary(errors)}${heading(m, 'Manage FIDO2 Tokens')}
<p>A FIDO2 security key is a small device you plug in or tap. To sign in you choose it, enter its PIN and touch it.</p>
${
  keys.length
    ? html`<table><caption>${m.self ? 'Your security keys' : 'Security keys'}</caption>
<thead><tr><th scope="col">Nickname</th><th scope="col">Added</th><th scope="col">Last used</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>${keys.map(
        (
          k,
        ) => html`<tr><td>${k.label ?? 'No nickname yet'}</td><td>${formatDate(k.created_at)}</td><td>${formatDate(k.last_used_at)}</td>
<td class="actions"><a href="${base}/${k.id}/edit">Edit<span class="visually-hidden"> ${k.label ?? ''}</span></a> <a href="${base}/${k.id}/remove">Remove<span class="visually-hidden"> ${k.label ?? ''}</span></a></td></tr>`,
      )}</tbody></table>`
    : html`<p class="inset">${m.self ? 'You have' : 'This user has'} no security keys.</p>`
}
${
  enrol.allowed
    ? html`<form method="post" action="${base}/register" data-webauthn="register" data-options="${base}/options">
${csrfField(csrf)}<input type="hidden" name="response" value="">
<p class="no-js inset">Registering a security key needs JavaScript switched on in your browser.</p>
<p>${m.self ? 'Have your key and its PIN ready.' : `Have ${m.subject.account.display_name}'s key ready; its PIN is entered on the key or in the browser.`} If the key has no PIN yet, your browser will ask you to set one (at least 4 characters).</p>
<button type="submit" class="button">Register New Token</button>
</form>
<div class="js-status" role="status" aria-live="polite"></div>`
    : html`<div class="inset"><p>${refusalText(enrol)}</p></div>`
}
<p><a href="${m.self ? '/profile' : m.base}">Back</a></p>`;
  return send(c, 'Manage FIDO2 Tokens', body, { scripts: ['webauthn.js'], errors });
}

/** The FIDO2 token pages for one base path: self-service or on behalf of a user. */
function mount(app: Hono<AppEnv>, prefix: string, resolve: Resolve): void {
  app.get(`${prefix}/tokens`, async (c) => {
    const m = await resolve(c);
    return m instanceof Response ? m : listPage(c, m);
  });

  app.post(`${prefix}/tokens/options`, async (c) => {
    const m = await resolve(c);
    if (m instanceof Response) return c.json({ error: 'session' }, 401);
    const s = c.get('services');
    const decision = decideEnrol(s, m.subject, 'fido2', m.actor);
    if (!decision.allowed) return c.json({ error: decision.reason, message: refusalText(decision) }, 403);
    const a = m.subject.account;
    const options = await registrationOptions(
      s,
      { id: a.id, username: a.username, displayName: a.display_name },
      m.subject.methods,
    );
    await createChallenge(
      s.db,
      {
        purpose: 'webauthn-register',
        sessionHash: sessionHash(c),
        accountId: a.id,
        challenge: options.challenge,
        ttlSeconds: 300,
      },
      s.now(),
    );
    return c.json(options);
  });

  app.post(`${prefix}/tokens/register`, async (c) => {
    const m = await resolve(c);
    if (m instanceof Response) return m;
    const s = c.get('services');
    const now = s.now();
    const response = parseResponseField(await field(c, 'response'));
    if (!response)
      return listPage(c, m, [
        { text: 'Your security key was not registered. Registering a key needs JavaScript switched on; try again.' },
      ]);
    const challenge = challengeOf(response);
    const row = challenge
      ? await consumeWebAuthnChallenge(s.db, 'webauthn-register', sessionHash(c), challenge, now)
      : undefined;
    if (!row || row.account_id !== m.subject.account.id || !challenge) {
      await audit(
        s.db,
        {
          event: 'fido2.register_failed',
          accountId: m.subject.account.id,
          actorId: m.actor.id,
          reason: 'CHALLENGE_NOT_FOUND',
          ip: c.get('ip'),
        },
        now,
      );
      return listPage(c, m, [
        { text: 'Your security key was not registered. The request expired or was already used; try again.' },
      ]);
    }
    let verified: Awaited<ReturnType<typeof verifyRegistration>>;
    try {
      verified = await verifyRegistration(s, response, challenge);
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'ERR_UNKNOWN';
      await audit(
        s.db,
        {
          event: 'fido2.register_failed',
          accountId: m.subject.account.id,
          actorId: m.actor.id,
          reason: code,
          ip: c.get('ip'),
        },
        now,
      );
      return listPage(c, m, [
        { text: 'Your security key was not registered. Check that it is a FIDO2 key with a PIN, then try again.' },
      ]);
    }
    const decision = decideEnrol(s, m.subject, 'fido2', m.actor, verified.credential.id);
    if (!decision.allowed) {
      await audit(
        s.db,
        {
          event: 'fido2.register_refused',
          accountId: m.subject.account.id,
          actorId: m.actor.id,
          reason: decision.reason,
          ip: c.get('ip'),
        },
        now,
      );
      return listPage(c, m, [{ text: refusalText(decision) }]);
    }
    const id = newId();
    try {
      await s.db.query(
        `INSERT INTO methods (id, account_id, kind, label, created_at, created_by, credential_id, public_key, sign_count, transports, aaguid, backup_eligible, backed_up)
         VALUES ($1, $2, 'fido2', NULL, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          id,
          m.subject.account.id,
          now,
          m.actor.id,
          verified.credential.id,
          verified.credential.publicKey,
          verified.credential.signCount,
          verified.credential.transports ?? null,
          verified.aaguid,
          verified.backupEligible,
          verified.backedUp,
        ],
      );
    } catch {
      return listPage(c, m, [{ text: 'This security key is already registered.' }]);
    }
    await audit(
      s.db,
      {
        event: m.self ? 'fido2.registered' : 'fido2.registered_on_behalf',
        accountId: m.subject.account.id,
        actorId: m.actor.id,
        reason: decision.reason,
        detail: {
          methodId: id,
          aaguid: verified.aaguid,
          fmt: verified.fmt,
          attestationTrusted: verified.attestationTrusted,
          notices: decision.notices ?? [],
        },
        ip: c.get('ip'),
      },
      now,
    );
    return redirect(c, `${m.base}/tokens/${id}/edit?new=1`);
  });

  const editPage = (c: Ctx, m: Managed, id: string, value: string, errors: FieldError[], isNew: boolean) => {
    const key = m.subject.methods.find((x) => x.id === id && x.kind === 'fido2');
    if (!key) return notFound(c, m);
    const body = html`${errorSummary(errors)}${heading(m, isNew ? 'Give your security key a nickname' : 'Edit nickname')}
${isNew ? html`<p>The key has been registered. A nickname helps ${m.self ? 'you' : 'the user'} tell ${m.self ? 'your' : 'their'} keys apart when signing in.</p>` : ''}
<form method="post" action="${m.base}/tokens/${key.id}/edit${isNew ? '?new=1' : ''}" novalidate>
${csrfField({ csrf: c.get('csrf') })}
${textInput({ name: 'nickname', label: 'Nickname', hint: 'For example, Blue key or Key on my keyring. Up to 30 characters.', value, maxlength: 60, errors, autofocus: true })}
<div class="button-group"><button type="submit" class="button">Save Changes</button><a href="${m.base}/tokens">Cancel</a></div>
</form>`;
    return send(c, isNew ? 'Give your security key a nickname' : 'Edit nickname', body, { errors });
  };

  app.get(`${prefix}/tokens/:id/edit`, async (c) => {
    const m = await resolve(c);
    if (m instanceof Response) return m;
    const key = m.subject.methods.find((x) => x.id === c.req.param('id'));
    return editPage(c, m, c.req.param('id'), key?.label ?? '', [], c.req.query('new') === '1');
  });

  app.post(`${prefix}/tokens/:id/edit`, async (c) => {
    const m = await resolve(c);
    if (m instanceof Response) return m;
    const s = c.get('services');
    const id = c.req.param('id');
    const isNew = c.req.query('new') === '1';
    const key = m.subject.methods.find((x) => x.id === id && x.kind === 'fido2');
    if (!key) return notFound(c, m);
    const value = (await field(c, 'nickname')).slice(0, 200);
    const taken = m.subject.methods
      .filter((x) => x.kind === 'fido2' && x.id !== id && x.label)
      .map((x) => x.label as string);
    const error = validateNickname(value, taken);
    if (error) return editPage(c, m, id, value, [{ field: 'nickname', text: error }], isNew);
    const label = value.trim().replace(/\s+/g, ' ');
    await s.db.query('UPDATE methods SET label = $3 WHERE id = $1 AND account_id = $2', [
      id,
      m.subject.account.id,
      label,
    ]);
    await audit(
      s.db,
      {
        event: 'fido2.renamed',
        accountId: m.subject.account.id,
        actorId: m.actor.id,
        detail: { methodId: id },
        ip: c.get('ip'),
      },
      s.now(),
    );
    return redirect(c, `${m.base}/tokens`, isNew ? 'token-registered' : 'token-renamed');
  });

  app.get(`${prefix}/tokens/:id/remove`, async (c) => {
    const m = await resolve(c);
    if (m instanceof Response) return m;
    return removePage(c, m, c.req.param('id'), `${m.base}/tokens`);
  });

  app.post(`${prefix}/tokens/:id/remove`, async (c) => {
    const m = await resolve(c);
    if (m instanceof Response) return m;
    return removeMethod(c, m, c.req.param('id'), `${m.base}/tokens`, 'token-removed');
  });
}

function notFound(c: Ctx, m: Managed): Response {
  return send(
    c,
    'Page not found',
    html`<h1>Page not found</h1><p>That security key is not registered.</p><p><a href="${m.base}/tokens">Manage FIDO2 Tokens</a></p>`,
    { status: 404 },
  );
}

/** The confirmation page before removing any method. */
export function removePage(c: Ctx, m: Managed, id: string, back: string): Response {
  const s = c.get('services');
  const method = m.subject.methods.find((x) => x.id === id);
  if (!method)
    return send(
      c,
      'Page not found',
      html`<h1>Page not found</h1><p>That sign-in method is not registered.</p><p><a href="${back}">Back</a></p>`,
      { status: 404 },
    );
  const decision = decideRemove(s, m.subject, id, m.actor);
  const name = method.kind === 'fido2' ? (method.label ?? 'this security key') : (method.label ?? method.kind);
  const title = method.kind === 'fido2' ? `Remove ${name}?` : 'Remove this sign-in method?';
  const body = decision.allowed
    ? html`${m.self ? '' : html`<span class="caption">User: ${m.subject.account.username}</span>`}<h1>${title}</h1>
<p class="warning-text">${m.self ? 'You' : 'The user'} will not be able to use it to sign in any more. ${
        decision.effects?.sessions === 'revoke'
          ? `${m.self ? 'You' : 'They'} will be signed out everywhere.`
          : 'Anyone signed in now stays signed in until they next sign in.'
      }</p>
<form method="post" action="${back === `${m.base}/tokens` ? `${m.base}/tokens/${id}/remove` : `${m.base}/methods/${id}/remove`}">
${csrfField({ csrf: c.get('csrf') })}
<div class="button-group"><button type="submit" class="button button-warning">Remove</button><a href="${back}">Cancel</a></div>
</form>`
    : html`<h1>You cannot remove this</h1><div class="inset"><p>${refusalText(decision)}</p></div><p><a href="${back}">Back</a></p>`;
  return send(c, title, body, { status: decision.allowed ? 200 : 403 });
}

/** Removes a method when the policy allows it; audit either way. */
export async function removeMethod(c: Ctx, m: Managed, id: string, back: string, flash: string): Promise<Response> {
  const s = c.get('services');
  const now = s.now();
  const method = m.subject.methods.find((x) => x.id === id);
  if (!method)
    return send(c, 'Page not found', html`<h1>Page not found</h1><p>That sign-in method is not registered.</p>`, {
      status: 404,
    });
  const decision = decideRemove(s, m.subject, id, m.actor);
  if (!decision.allowed) {
    await audit(
      s.db,
      {
        event: 'method.remove_refused',
        accountId: m.subject.account.id,
        actorId: m.actor.id,
        reason: decision.reason,
        detail: { methodId: id, kind: method.kind },
        ip: c.get('ip'),
      },
      now,
    );
    return send(
      c,
      'You cannot remove this',
      html`<h1>You cannot remove this</h1><div class="inset"><p>${refusalText(decision)}</p></div><p><a href="${back}">Back</a></p>`,
      { status: 403 },
    );
  }
  await s.db.transaction(async (tx) => {
    await tx.query('DELETE FROM methods WHERE id = $1 AND account_id = $2', [id, m.subject.account.id]);
    await tx.query('UPDATE accounts SET default_method_id = NULL WHERE id = $1 AND default_method_id = $2', [
      m.subject.account.id,
      id,
    ]);
  });
  if (decision.effects?.sessions === 'revoke') {
    await s.db.query('DELETE FROM sessions WHERE account_id = $1', [m.subject.account.id]);
  }
  await audit(
    s.db,
    {
      event: method.kind === 'fido2' ? 'fido2.removed' : 'method.removed',
      accountId: m.subject.account.id,
      actorId: m.actor.id,
      reason: decision.reason,
      detail: { methodId: id, kind: method.kind, notices: decision.notices ?? [] },
      ip: c.get('ip'),
    },
    now,
  );
  if (decision.effects?.sessions === 'revoke' && m.self) return redirect(c, '/sign-in', 'signed-out');
  return redirect(c, back, flash);
}

/** Self-service tokens at /tokens and on-behalf tokens at /admin/users/:uid/tokens. */
export function tokenRoutes(app: Hono<AppEnv>): void {
  mount(app, '', selfManaged);
  mount(app, '/admin/users/:uid', adminManaged);
}
