import type { MethodKind } from '@keyward/mfa-policy';
import { base32Encode, buildOtpauthUri, generateSecret, verifyTotp } from '@keyward/totp';
import type { Hono } from 'hono';
import QRCode from 'qrcode';
import type { AppEnv, Ctx } from '../context.ts';
import { field, redirect, send, sessionHash } from '../http.ts';
import { decideEnrol, loadSubject, refusalText } from '../policy.ts';
import { codeLimitKey, hit, LIMITS } from '../security/rate-limit.ts';
import { newId, numericCode, sha256 } from '../security/tokens.ts';
import { maskPhone } from '../sender.ts';
import { kindName, methodDescription } from '../store/accounts.ts';
import { audit } from '../store/audit.ts';
import { consumeById, consumeCode, createChallenge, peekChallenge } from '../store/challenges.ts';
import {
  csrfField,
  errorSummary,
  type FieldError,
  formatDate,
  type Html,
  html,
  textInput,
} from '../views/components.ts';
import { completeIfAllowed } from './sign-in-core.ts';
import { adminManaged, enrolManaged, type Managed, selfManaged } from './subject.ts';
import { removeMethod, removePage } from './tokens.ts';

const PHONE_KINDS: MethodKind[] = ['sms', 'voice', 'alternatePhone', 'officePhone'];

/** Normalises a phone number to E.164 (a UK 0… number becomes +44…); undefined when not one. */
export function normalisePhone(input: string): string | undefined {
  let v = input.replace(/[\s().-]/g, '');
  if (v.startsWith('00')) v = `+${v.slice(2)}`;
  else if (v.startsWith('0')) v = `+44${v.slice(1)}`;
  return /^\+[1-9]\d{6,14}$/.test(v) ? v : undefined;
}

/** After enrolling a first method between password and MFA, the proof completes the sign-in. */
async function afterEnrol(c: Ctx, m: Managed, kind: MethodKind, methodId: string, flash: string): Promise<Response> {
  const session = c.get('session');
  if (session?.stage === 'mfa') {
    const subject = await loadSubject(c.get('services').db, m.subject.account.id);
    if (!subject) return redirect(c, '/sign-in');
    const outcome = await completeIfAllowed(c, subject, [...session.factors, { kind, methodId }]);
    if (outcome instanceof Response) return outcome;
    return redirect(c, '/sign-in/mfa');
  }
  return redirect(c, `${m.base}/methods`, flash);
}

function methodsPage(c: Ctx, m: Managed): Response {
  const s = c.get('services');
  const methods = m.subject.methods;
  const csrf = { csrf: c.get('csrf') };
  const def = m.subject.account.default_method_id;
  const add: Html[] = [];
  const addable: [MethodKind, string, string][] = [
    ['authenticatorApp', 'Authenticator app', `${m.base}/methods/app/new`],
    ['sms', 'Mobile phone (text message)', `${m.base}/methods/phone/new?kind=sms`],
    ['voice', 'Mobile phone (voice call)', `${m.base}/methods/phone/new?kind=voice`],
    ['alternatePhone', 'Alternate phone', `${m.base}/methods/phone/new?kind=alternatePhone`],
    ['officePhone', 'Office phone', `${m.base}/methods/phone/new?kind=officePhone`],
  ];
  for (const [kind, label, href] of addable) {
    const d = decideEnrol(s, m.subject, kind, m.actor);
    if (d.allowed && m.self)
      add.push(
        html`<li><a href="${href}">${label}</a>${d.notices?.includes('METHOD_NOT_RECOMMENDED') ? html` <span class="tag tag-grey">Not recommended</span>` : ''}</li>`,
      );
  }
  const body = html`${m.self ? '' : html`<span class="caption">User: ${m.subject.account.username}</span>`}<h1>Security info</h1>
<p>These are the ways ${m.self ? 'you verify' : 'this user verifies'} it's ${m.self ? 'you' : 'them'} when signing in.</p>
${
  methods.length
    ? html`<table><caption>Sign-in methods</caption><thead><tr><th scope="col">Method</th><th scope="col">Added</th><th scope="col">Last used</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead><tbody>
${methods.map(
  (
    x,
  ) => html`<tr><td>${methodDescription(x)}${x.kind === 'fido2' ? html` <span class="tag tag-grey">Security key</span>` : ''}${def === x.id ? html` <span class="tag tag-green">Default</span>` : ''}</td>
<td>${formatDate(x.created_at)}</td><td>${formatDate(x.last_used_at)}</td>
<td class="actions">${
    x.kind === 'fido2'
      ? html`<a href="${m.base}/tokens">Manage FIDO2 Tokens</a>`
      : html`${PHONE_KINDS.includes(x.kind) && m.self ? html`<a href="${m.base}/methods/phone/new?kind=${x.kind}&amp;replace=${x.id}">Change<span class="visually-hidden"> ${methodDescription(x)}</span></a> ` : ''}<a href="${m.base}/methods/${x.id}/remove">Remove<span class="visually-hidden"> ${methodDescription(x)}</span></a>`
  }${
    def !== x.id
      ? html` <form method="post" action="${m.base}/methods/${x.id}/default">${csrfField(csrf)}<button type="submit" class="link-inline">Make default<span class="visually-hidden"> ${methodDescription(x)}</span></button></form>`
      : ''
  }</td></tr>`,
)}</tbody></table>`
    : html`<p class="inset">No sign-in methods yet.</p>`
}
${add.length ? html`<h2>Add a sign-in method</h2><ul>${add}<li><a href="${m.base}/tokens">FIDO2 security key</a></li></ul>` : ''}
<p class="inset">Text messages and calls are less secure than an authenticator app or a security key. Use them as a backup.</p>
<p><a href="${m.self ? '/profile' : m.base}">Back</a></p>`;
  return send(c, 'Security info', body);
}

async function appEnrolPage(
  c: Ctx,
  m: Managed,
  id: string,
  secret: string,
  errors: FieldError[] = [],
): Promise<Response> {
  const s = c.get('services');
  const uri = buildOtpauthUri({ secret, issuer: s.config.serviceName, accountName: m.subject.account.username });
  const qr = await QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 1, width: 200 });
  const grouped = secret.replace(/(.{4})(?=.)/g, '$1 ');
  const body = html`${errorSummary(errors)}<h1>Set up your authenticator app</h1>
<ol>
<li><p>Open an authenticator app on your phone and add an account.</p></li>
<li><p>Scan this QR code with the app.</p><img class="qr" src="${qr}" alt="QR code to scan with your authenticator app. If you cannot scan it, enter the key shown below."></li>
<li><p>If you cannot scan it, enter this key in the app instead (time-based, 6 digits):</p><p><span class="secret">${grouped}</span></p></li>
<li><p>Enter the 6-digit code the app shows to finish.</p></li>
</ol>
<form method="post" action="${m.base}/methods/app/verify" novalidate>
${csrfField({ csrf: c.get('csrf') })}<input type="hidden" name="challengeId" value="${id}">
${textInput({ name: 'code', label: 'Code', autocomplete: 'one-time-code', inputmode: 'numeric', width10: true, maxlength: 10, errors })}
<button type="submit" class="button">Verify and set up</button>
</form>
<p><a href="${c.get('session')?.stage === 'mfa' ? '/sign-in/enrol' : `${m.base}/methods`}">Cancel</a></p>`;
  return send(c, 'Set up your authenticator app', body, { errors });
}

function phoneForm(
  c: Ctx,
  m: Managed,
  kind: MethodKind,
  replace: string,
  value: string,
  errors: FieldError[],
): Response {
  const title = replace ? `Change your ${kindName(kind).toLowerCase()}` : `Add a ${kindName(kind).toLowerCase()}`;
  const body = html`${errorSummary(errors)}<h1>${title}</h1>
<p>We will ${kind === 'sms' ? 'text' : 'call'} this number with a code to check it is yours.${replace ? ' Your current number keeps working until the new one is checked.' : ''}</p>
<form method="post" action="${m.base}/methods/phone/new" novalidate>
${csrfField({ csrf: c.get('csrf') })}<input type="hidden" name="kind" value="${kind}"><input type="hidden" name="replace" value="${replace}">
${textInput({ name: 'phone', label: 'Phone number', hint: 'For example, 07700 900 982 or +44 7700 900982', type: 'tel', autocomplete: 'tel', value, errors })}
<button type="submit" class="button">Send code</button>
</form>
<p><a href="${c.get('session')?.stage === 'mfa' ? '/sign-in/enrol' : `${m.base}/methods`}">Cancel</a></p>`;
  return send(c, title, body, { errors });
}

async function phoneVerifyPage(c: Ctx, m: Managed, id: string, errors: FieldError[] = []): Promise<Response> {
  const s = c.get('services');
  const row = await peekChallenge(s.db, id, 'verify-phone', sessionHash(c), s.now());
  if (!row) return redirect(c, `${m.base}/methods`);
  const body = html`${errorSummary(errors)}<h1>Check your phone</h1>
<p>We have ${row.data.kind === 'sms' ? 'sent a code by text message to' : 'called'} ${maskPhone(String(row.data.phone))}. The code expires in 10 minutes.</p>
<form method="post" action="${m.base}/methods/phone/verify/${id}" novalidate>
${csrfField({ csrf: c.get('csrf') })}
${textInput({ name: 'code', label: 'Code', autocomplete: 'one-time-code', inputmode: 'numeric', width10: true, maxlength: 10, errors })}
<button type="submit" class="button">Verify</button>
</form>`;
  return send(c, 'Check your phone', body, { errors });
}

function mount(
  app: Hono<AppEnv>,
  prefix: string,
  resolve: (c: Ctx) => Promise<Managed | Response>,
  enrolResolve: (c: Ctx) => Promise<Managed | Response>,
): void {
  app.get(`${prefix}/methods`, async (c) => {
    const m = await resolve(c);
    return m instanceof Response ? m : methodsPage(c, m);
  });

  app.get(`${prefix}/methods/app/new`, async (c) => {
    const m = await enrolResolve(c);
    if (m instanceof Response) return m;
    const s = c.get('services');
    const d = decideEnrol(s, m.subject, 'authenticatorApp', m.actor);
    if (!d.allowed)
      return send(c, 'You cannot add this', html`<h1>You cannot add this</h1><p>${refusalText(d)}</p>`, {
        status: 403,
      });
    const secret = base32Encode(generateSecret(20));
    const id = await createChallenge(
      s.db,
      {
        purpose: 'enrol-app',
        sessionHash: sessionHash(c),
        accountId: m.subject.account.id,
        data: { secret },
        ttlSeconds: 900,
      },
      s.now(),
    );
    return appEnrolPage(c, m, id, secret);
  });

  app.post(`${prefix}/methods/app/verify`, async (c) => {
    const m = await enrolResolve(c);
    if (m instanceof Response) return m;
    const s = c.get('services');
    const now = s.now();
    const id = await field(c, 'challengeId');
    const code = (await field(c, 'code')).replace(/\s+/g, '');
    const row = await peekChallenge(s.db, id, 'enrol-app', sessionHash(c), now);
    if (!row) return redirect(c, `${m.base}/methods/app/new`);
    const secret = String(row.data.secret);
    if (!/^\d{6}$/.test(code))
      return appEnrolPage(c, m, id, secret, [
        { field: 'code', text: code ? 'Enter the code as 6 digits' : 'Enter the code from your authenticator app' },
      ]);
    if (!(await hit(s.db, codeLimitKey(m.subject.account.id), LIMITS.codePerAccount, now))) {
      return send(c, 'Too many attempts', html`<h1>Too many attempts</h1><p>Wait 15 minutes, then try again.</p>`, {
        status: 429,
      });
    }
    const result = verifyTotp({ token: code, secret, timestamp: now.getTime(), window: 1 });
    if (!result.ok)
      return appEnrolPage(c, m, id, secret, [
        {
          field: 'code',
          text: 'The code is not right. Check the app shows the account you just added, and enter its current code',
        },
      ]);
    const d = decideEnrol(s, m.subject, 'authenticatorApp', m.actor);
    if (!d.allowed)
      return send(c, 'You cannot add this', html`<h1>You cannot add this</h1><p>${refusalText(d)}</p>`, {
        status: 403,
      });
    if (!(await consumeById(s.db, id, 'enrol-app', sessionHash(c), now))) return redirect(c, `${m.base}/methods`);
    const methodId = newId();
    await s.db.query(
      `INSERT INTO methods (id, account_id, kind, created_at, created_by, totp_secret, totp_last_step, last_used_at) VALUES ($1, $2, 'authenticatorApp', $3, $4, $5, $6, $3)`,
      [methodId, m.subject.account.id, now, m.actor.id, secret, result.step],
    );
    await s.db.query('UPDATE accounts SET default_method_id = COALESCE(default_method_id, $2) WHERE id = $1', [
      m.subject.account.id,
      methodId,
    ]);
    await audit(
      s.db,
      {
        event: 'method.enrolled',
        accountId: m.subject.account.id,
        actorId: m.actor.id,
        reason: d.reason,
        detail: { methodId, kind: 'authenticatorApp' },
        ip: c.get('ip'),
      },
      now,
    );
    return afterEnrol(c, m, 'authenticatorApp', methodId, 'app-enrolled');
  });

  app.get(`${prefix}/methods/phone/new`, async (c) => {
    const m = await enrolResolve(c);
    if (m instanceof Response) return m;
    const kind = (c.req.query('kind') ?? 'sms') as MethodKind;
    if (!PHONE_KINDS.includes(kind)) return redirect(c, `${m.base}/methods`);
    const replace = c.req.query('replace') ?? '';
    if (!replace) {
      const d = decideEnrol(c.get('services'), m.subject, kind, m.actor);
      if (!d.allowed)
        return send(c, 'You cannot add this', html`<h1>You cannot add this</h1><p>${refusalText(d)}</p>`, {
          status: 403,
        });
    }
    return phoneForm(c, m, kind, replace, '', []);
  });

  app.post(`${prefix}/methods/phone/new`, async (c) => {
    const m = await enrolResolve(c);
    if (m instanceof Response) return m;
    const s = c.get('services');
    const now = s.now();
    const kind = (await field(c, 'kind')) as MethodKind;
    if (!PHONE_KINDS.includes(kind)) return redirect(c, `${m.base}/methods`);
    const replace = await field(c, 'replace');
    const raw = (await field(c, 'phone')).slice(0, 40);
    const phone = normalisePhone(raw);
    if (!phone)
      return phoneForm(c, m, kind, replace, raw, [
        {
          field: 'phone',
          text: raw ? 'Enter a phone number, like 07700 900 982 or +44 7700 900982' : 'Enter a phone number',
        },
      ]);
    const replacing = replace ? m.subject.methods.find((x) => x.id === replace && x.kind === kind) : undefined;
    if (replace && !replacing) return redirect(c, `${m.base}/methods`);
    if (!replacing) {
      const d = decideEnrol(s, m.subject, kind, m.actor, sha256(phone));
      if (!d.allowed) return phoneForm(c, m, kind, replace, raw, [{ field: 'phone', text: refusalText(d) }]);
    }
    if (!(await hit(s.db, `send:${m.subject.account.id}`, { limit: 5, windowSeconds: 900 }, now))) {
      return send(c, 'Too many attempts', html`<h1>Too many attempts</h1><p>Wait 15 minutes, then try again.</p>`, {
        status: 429,
      });
    }
    const code = numericCode(6);
    const id = await createChallenge(
      s.db,
      {
        purpose: 'verify-phone',
        sessionHash: sessionHash(c),
        accountId: m.subject.account.id,
        code,
        data: { kind, phone, replace: replacing?.id ?? null },
        ttlSeconds: 600,
      },
      now,
    );
    await s.sender.send({
      channel: kind === 'sms' ? 'sms' : 'voice',
      recipient: phone,
      accountId: m.subject.account.id,
      body: `Your ${s.config.serviceName} verification code is ${code}. Enter it to confirm this phone number.`,
    });
    return redirect(c, `${m.base}/methods/phone/verify/${id}`);
  });

  app.get(`${prefix}/methods/phone/verify/:id`, async (c) => {
    const m = await enrolResolve(c);
    return m instanceof Response ? m : phoneVerifyPage(c, m, c.req.param('id'));
  });

  app.post(`${prefix}/methods/phone/verify/:id`, async (c) => {
    const m = await enrolResolve(c);
    if (m instanceof Response) return m;
    const s = c.get('services');
    const now = s.now();
    const id = c.req.param('id');
    const code = (await field(c, 'code')).replace(/\s+/g, '');
    if (!/^\d{6}$/.test(code))
      return phoneVerifyPage(c, m, id, [
        { field: 'code', text: code ? 'Enter the code as 6 digits' : 'Enter the code we sent you' },
      ]);
    const row = await consumeCode(s.db, id, 'verify-phone', sessionHash(c), code, now);
    if (!row)
      return phoneVerifyPage(c, m, id, [
        { field: 'code', text: 'The code is not right or has expired. Check it, or go back and ask for a new code' },
      ]);
    const kind = String(row.data.kind) as MethodKind;
    const phone = String(row.data.phone);
    const replace = row.data.replace ? String(row.data.replace) : undefined;
    let methodId: string;
    if (replace) {
      // The new number was verified; only now does it replace the old one.
      await s.db.query('UPDATE methods SET phone = $3, created_at = $4 WHERE id = $1 AND account_id = $2', [
        replace,
        m.subject.account.id,
        phone,
        now,
      ]);
      methodId = replace;
      await audit(
        s.db,
        {
          event: 'method.changed',
          accountId: m.subject.account.id,
          actorId: m.actor.id,
          detail: { methodId, kind },
          ip: c.get('ip'),
        },
        now,
      );
    } else {
      const subject = await loadSubject(s.db, m.subject.account.id);
      const d = subject ? decideEnrol(s, subject, kind, m.actor, sha256(phone)) : undefined;
      if (!d?.allowed)
        return send(c, 'You cannot add this', html`<h1>You cannot add this</h1><p>${d ? refusalText(d) : ''}</p>`, {
          status: 403,
        });
      methodId = newId();
      await s.db.query(
        `INSERT INTO methods (id, account_id, kind, created_at, created_by, phone) VALUES ($1, $2, $3, $4, $5, $6)`,
        [methodId, m.subject.account.id, kind, now, m.actor.id, phone],
      );
      await s.db.query('UPDATE accounts SET default_method_id = COALESCE(default_method_id, $2) WHERE id = $1', [
        m.subject.account.id,
        methodId,
      ]);
      await audit(
        s.db,
        {
          event: 'method.enrolled',
          accountId: m.subject.account.id,
          actorId: m.actor.id,
          reason: d.reason,
          detail: { methodId, kind },
          ip: c.get('ip'),
        },
        now,
      );
    }
    return afterEnrol(c, m, kind, methodId, 'phone-verified');
  });

  app.post(`${prefix}/methods/:id/default`, async (c) => {
    const m = await resolve(c);
    if (m instanceof Response) return m;
    const s = c.get('services');
    const id = c.req.param('id');
    if (!m.subject.methods.some((x) => x.id === id)) return redirect(c, `${m.base}/methods`);
    await s.db.query('UPDATE accounts SET default_method_id = $2 WHERE id = $1', [m.subject.account.id, id]);
    await audit(
      s.db,
      {
        event: 'method.default_changed',
        accountId: m.subject.account.id,
        actorId: m.actor.id,
        detail: { methodId: id },
        ip: c.get('ip'),
      },
      s.now(),
    );
    return redirect(c, `${m.base}/methods`, 'default-changed');
  });

  app.get(`${prefix}/methods/:id/remove`, async (c) => {
    const m = await resolve(c);
    return m instanceof Response ? m : removePage(c, m, c.req.param('id'), `${m.base}/methods`);
  });

  app.post(`${prefix}/methods/:id/remove`, async (c) => {
    const m = await resolve(c);
    return m instanceof Response ? m : removeMethod(c, m, c.req.param('id'), `${m.base}/methods`, 'method-removed');
  });
}

/** Security info for the holder at /methods, and for an administrator at /admin/users/:uid/methods. */
export function methodRoutes(app: Hono<AppEnv>): void {
  mount(app, '', selfManaged, enrolManaged);
  // Administrators see, remove and re-order a user's methods; codes and app secrets belong to the
  // user, so enrolment on behalf is only for security keys (Manage FIDO2 Tokens).
  mount(app, '/admin/users/:uid', adminManaged, async (c) => {
    const m = await adminManaged(c);
    if (m instanceof Response) return m;
    return send(
      c,
      'Page not found',
      html`<h1>Page not found</h1><p>Users add their authenticator app and phone numbers themselves. You can <a href="${m.base}/tokens">register a security key</a> for them.</p>`,
      { status: 404 },
    );
  });
}
