import { randomInt } from 'node:crypto';
import type { Decision } from '@keyward/mfa-policy';
import { verifyTotp } from '@keyward/totp';
import type { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv, Ctx } from '../context.ts';
import { COOKIE, field, redirect, send, sessionHash } from '../http.ts';
import { loadSubject, refusalText, type Subject } from '../policy.ts';
import { hashPassword, verifyPassword } from '../security/passwords.ts';
import { clear, hit, hitCount } from '../security/rate-limit.ts';
import { numericCode } from '../security/tokens.ts';
import { maskPhone } from '../sender.ts';
import { findAccountByUsername, kindName, type MethodRow } from '../store/accounts.ts';
import { audit } from '../store/audit.ts';
import {
  consumeById,
  consumeCode,
  consumeWebAuthnChallenge,
  createChallenge,
  peekChallenge,
} from '../store/challenges.ts';
import { deleteSession, type Factor } from '../store/sessions.ts';
import { csrfField, errorSummary, type FieldError, type Html, html, textInput } from '../views/components.ts';
import {
  authenticationOptions,
  challengeOf,
  credentialIdOf,
  parseResponseField,
  verifyAssertion,
} from '../webauthn.ts';
import { completeIfAllowed, measureRisk, policyContext, rotateSession } from './sign-in-core.ts';

const PHONE_KINDS = new Set(['sms', 'voice', 'alternatePhone', 'officePhone']);
const LIMITS = {
  passwordPerUser: { limit: 10, windowSeconds: 900 },
  passwordPerIp: { limit: 100, windowSeconds: 900 },
  codePerAccount: { limit: 10, windowSeconds: 900 },
  sendPerAccount: { limit: 5, windowSeconds: 900 },
};

let dummyHash: Promise<string> | undefined;

function signInForm(c: Ctx, errors: FieldError[] = [], username = ''): Html {
  return html`${errorSummary(errors)}
<h1>Sign in</h1>
<form method="post" action="/sign-in" novalidate>
${csrfField(pageCtx(c))}
${textInput({ name: 'username', label: 'Username', value: username, autocomplete: 'username', errors })}
${textInput({ name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', errors })}
<button type="submit" class="button">Sign in</button>
</form>
<p><a href="/help">Problems signing in?</a></p>`;
}

function pageCtx(c: Ctx): { csrf: string } {
  return { csrf: c.get('csrf') };
}

/** The account in the half-signed-in state, or a redirect to the start. */
async function mfaSubject(c: Ctx): Promise<Subject | Response> {
  const session = c.get('session');
  if (session?.stage !== 'mfa') return redirect(c, '/sign-in', session ? undefined : 'session-expired');
  const subject = await loadSubject(c.get('services').db, session.account_id, c.get('account'));
  if (!subject) return redirect(c, '/sign-in');
  return subject;
}

function currentDecision(c: Ctx, subject: Subject): Decision {
  const s = c.get('services');
  const session = c.get('session');
  return s.policy.evaluateSignIn(subject.policyAccount, {
    factors: session?.factors ?? [{ kind: 'password' }],
    context: policyContext(session?.context ?? { client: 'browser' }),
  });
}

interface Offer {
  kind: string;
  methods: MethodRow[];
}

/** What the policy says would satisfy the prompt now, with the stored methods behind it. */
function offers(decision: Decision, subject: Subject): Offer[] {
  const out: Offer[] = [];
  for (const step of decision.next ?? []) {
    const ids = new Set(step.methodIds ?? []);
    const methods = subject.methods.filter(
      (m) => (ids.size ? ids.has(m.id) : m.kind === step.kind) && m.kind === step.kind,
    );
    if (methods.length > 0) out.push({ kind: step.kind, methods });
  }
  return out;
}

function optionButtons(c: Ctx, list: Offer[]): Html {
  const items: Html[] = [];
  for (const offer of list) {
    if (offer.kind === 'authenticatorApp') {
      items.push(
        html`<li><a class="button button-secondary" href="/sign-in/mfa/app">Use a code from my authenticator app</a></li>`,
      );
      items.push(
        html`<li><form method="post" action="/sign-in/mfa/push">${csrfField(pageCtx(c))}<button class="button button-secondary" type="submit">Approve a request on my authenticator app</button></form></li>`,
      );
    } else if (offer.kind === 'fido2') {
      items.push(
        html`<li><a class="button button-secondary" href="/sign-in/mfa/key">Sign in using a FIDO2 security key</a></li>`,
      );
    } else if (PHONE_KINDS.has(offer.kind)) {
      for (const m of offer.methods) {
        const channel = m.kind === 'sms' ? 'sms' : 'voice';
        items.push(
          html`<li><form method="post" action="/sign-in/mfa/send">${csrfField(pageCtx(c))}<input type="hidden" name="methodId" value="${m.id}"><input type="hidden" name="channel" value="${channel}"><button class="button button-secondary" type="submit">${channel === 'sms' ? 'Text' : 'Call'} ${maskPhone(m.phone ?? '')}${m.kind === 'alternatePhone' ? ' (alternate phone)' : m.kind === 'officePhone' ? ' (office phone)' : ''}</button></form></li>`,
        );
      }
    }
  }
  return html`<ul class="option-list">${items}</ul>`;
}

function codeForm(c: Ctx, action: string, hint: string, errors: FieldError[]): Html {
  return html`<form method="post" action="${action}" novalidate>
${csrfField(pageCtx(c))}
${textInput({ name: 'code', label: 'Code', hint, autocomplete: 'one-time-code', inputmode: 'numeric', width10: true, maxlength: 10, errors, autofocus: true })}
<button type="submit" class="button">Sign in</button>
</form>`;
}

function keyList(c: Ctx, keys: MethodRow[]): Html {
  return html`<p>Insert your security key, choose it below, then enter its PIN and touch it when it flashes.</p>
<p class="no-js inset">Security keys need JavaScript switched on in your browser. You can use another way to sign in instead.</p>
<ul class="option-list">${keys.map(
    (
      k,
    ) => html`<li><form method="post" action="/sign-in/mfa/key" data-webauthn="authenticate" data-options="/sign-in/mfa/key/options">
${csrfField(pageCtx(c))}<input type="hidden" name="methodId" value="${k.id}"><input type="hidden" name="response" value="">
<button type="submit" class="button">${k.label ?? 'Security key'}</button></form></li>`,
  )}</ul>
<div class="js-status" role="status" aria-live="polite"></div>`;
}

function mfaPage(c: Ctx, subject: Subject, decision: Decision, errors: FieldError[] = [], refusal?: string): Response {
  const list = offers(decision, subject);
  const keys = subject.methods.filter((m) => m.kind === 'fido2');
  const enrol = decision.next?.find((n) => n.kind === 'enrol');
  const admin = decision.next?.some((n) => n.kind === 'contactAdministrator');
  const primary =
    list.find((o) => o.methods.some((m) => m.id === subject.account.default_method_id)) ??
    list.find((o) => o.kind !== 'fido2') ??
    list[0];
  let main: Html;
  if (!primary) {
    main = html`${refusal === refusalText(decision) ? '' : html`<div class="inset"><p>${refusalText(decision)}</p></div>`}
${enrol ? html`<p><a class="button" href="/sign-in/enrol">Set up a way to verify it's you</a></p>` : ''}
${admin && !refusalText(decision).includes('Local Administrator') ? html`<p>Contact your Local Administrator to get access.</p>` : ''}
${keys.length ? html`<p><a href="/sign-in/mfa/key">Sign in using a FIDO2 security key</a></p>` : ''}`;
  } else if (primary.kind === 'authenticatorApp') {
    main = codeForm(c, '/sign-in/mfa/app', 'Enter the 6-digit code shown in your authenticator app.', errors);
  } else if (primary.kind === 'fido2') {
    main = keyList(c, primary.methods);
  } else {
    main = optionButtons(c, [primary]);
  }
  const others = list.filter((o) => o !== primary);
  const body = html`${errorSummary(refusal ? [{ text: refusal }] : errors)}
<span class="caption">Signing in as ${subject.account.username}</span>
<h1>Verify it's you</h1>
${main}
${primary && primary.kind !== 'fido2' && list.some((o) => o.kind === 'fido2') ? html`<p><a href="/sign-in/mfa/key">Sign in using a FIDO2 security key</a></p>` : ''}
${others.length > 0 || primary?.kind === 'authenticatorApp' ? html`<p><a href="/sign-in/mfa/other">Sign in with other options</a></p>` : ''}
<p><a href="/sign-in/cancel">Cancel and sign in as someone else</a></p>`;
  return send(c, "Verify it's you", body, {
    scripts: primary?.kind === 'fido2' ? ['webauthn.js'] : [],
    errors: refusal ? [{ text: refusal }] : errors,
    status: refusal ? 403 : errors.length ? 400 : 200,
  });
}

/** Routes for the two-step sign-in. */
export function signInRoutes(app: Hono<AppEnv>): void {
  app.get('/', (c) => redirect(c, c.get('session')?.stage === 'full' ? '/profile' : '/sign-in'));

  app.get('/sign-in', (c) => {
    if (c.get('session')?.stage === 'full') return redirect(c, '/profile');
    return send(c, 'Sign in', signInForm(c));
  });

  app.post('/sign-in', async (c) => {
    const s = c.get('services');
    const username = (await field(c, 'username')).trim().slice(0, 100);
    const password = (await field(c, 'password')).slice(0, 1000);
    const errors: FieldError[] = [];
    if (!username) errors.push({ field: 'username', text: 'Enter your username' });
    if (!password) errors.push({ field: 'password', text: 'Enter your password' });
    if (errors.length) return send(c, 'Sign in', signInForm(c, errors, username), { errors });
    const now = s.now();
    const okUser = await hit(s.db, `pw:user:${username.toLowerCase()}`, LIMITS.passwordPerUser, now);
    const okIp = await hit(s.db, `pw:ip:${c.get('ip') ?? 'unknown'}`, LIMITS.passwordPerIp, now);
    if (!okUser || !okIp) {
      await audit(s.db, { event: 'sign_in.rate_limited', detail: { username }, ip: c.get('ip') }, now);
      const body = html`<h1>Too many attempts</h1><p>You have tried to sign in too many times. Wait 15 minutes, then try again.</p><p><a href="/sign-in">Back to sign in</a></p>`;
      return send(c, 'Too many attempts', body, { status: 429 });
    }
    const account = await findAccountByUsername(s.db, username);
    // Same work whether or not the account exists: hash against a dummy when it does not.
    dummyHash ??= hashPassword('keyward-dummy-password', s.config.scrypt);
    const ok = await verifyPassword(password, account?.password_hash ?? (await dummyHash));
    if (!account || !ok) {
      await audit(s.db, { event: 'sign_in.password_failed', accountId: account?.id, detail: {}, ip: c.get('ip') }, now);
      const errs = [{ field: 'username', text: 'Enter a correct username and password' }];
      return send(c, 'Sign in', signInForm(c, errs, username), { errors: errs, status: 401 });
    }
    await clear(s.db, `pw:user:${username.toLowerCase()}`);
    const subject = await loadSubject(s.db, account.id);
    if (!subject) return redirect(c, '/sign-in');
    const context = await measureRisk(c, account.id);
    const factors: Factor[] = [{ kind: 'password' }];
    await rotateSession(c, account.id, 'mfa', factors, context);
    await audit(
      s.db,
      {
        event: 'sign_in.password_ok',
        accountId: account.id,
        actorId: account.id,
        detail: { newDevice: context.newDevice, unusualLocation: context.unusualLocation },
        ip: c.get('ip'),
      },
      now,
    );
    c.set('session', {
      id_hash: '',
      account_id: account.id,
      stage: 'mfa',
      factors,
      context,
      created_at: now,
      expires_at: now,
      last_seen_at: now,
    });
    const result = await completeIfAllowed(c, subject, factors);
    if (result instanceof Response) return result;
    return redirect(
      c,
      result.next?.some((n) => n.kind === 'enrol') && !offers(result, subject).length
        ? '/sign-in/enrol'
        : '/sign-in/mfa',
    );
  });

  app.get('/sign-in/cancel', async (c) => {
    const token = getCookie(c, COOKIE.session);
    if (token && c.get('session')?.stage === 'mfa') await deleteSession(c.get('services').db, token);
    return redirect(c, '/sign-in');
  });

  app.get('/sign-in/mfa', async (c) => {
    const subject = await mfaSubject(c);
    if (subject instanceof Response) return subject;
    return mfaPage(c, subject, currentDecision(c, subject));
  });

  app.get('/sign-in/mfa/other', async (c) => {
    const subject = await mfaSubject(c);
    if (subject instanceof Response) return subject;
    const decision = currentDecision(c, subject);
    const list = offers(decision, subject);
    const body = html`<span class="caption">Signing in as ${subject.account.username}</span>
<h1>Sign in with other options</h1>
${list.length ? html`<p>Choose how you want to verify it's you.</p>${optionButtons(c, list)}` : html`<p>${refusalText(decision)}</p>`}
<p><a href="/sign-in/mfa">Back</a></p>`;
    return send(c, 'Sign in with other options', body);
  });

  app.get('/sign-in/mfa/app', async (c) => {
    const subject = await mfaSubject(c);
    if (subject instanceof Response) return subject;
    const body = html`<span class="caption">Signing in as ${subject.account.username}</span><h1>Enter the code from your authenticator app</h1>
${codeForm(c, '/sign-in/mfa/app', 'Open your authenticator app and enter the 6-digit code it shows for this account.', [])}
<p><a href="/sign-in/mfa/other">Sign in with other options</a></p>`;
    return send(c, 'Enter the code from your authenticator app', body);
  });

  app.post('/sign-in/mfa/app', async (c) => {
    const subject = await mfaSubject(c);
    if (subject instanceof Response) return subject;
    const s = c.get('services');
    const now = s.now();
    const code = (await field(c, 'code')).replace(/\s+/g, '');
    if (!/^\d{6}$/.test(code)) {
      return mfaPage(c, subject, currentDecision(c, subject), [
        { field: 'code', text: code ? 'Enter the code as 6 digits' : 'Enter the code from your authenticator app' },
      ]);
    }
    const attempts = await hitCount(s.db, `code:${subject.account.id}`, LIMITS.codePerAccount, now);
    if (attempts > LIMITS.codePerAccount.limit) return tooManyCodes(c);
    const apps = subject.methods.filter((m) => m.kind === 'authenticatorApp' && m.totp_secret);
    for (const m of apps) {
      const result = verifyTotp({
        token: code,
        secret: m.totp_secret as string,
        timestamp: now.getTime(),
        window: 1,
        ...(m.totp_last_step === null ? {} : { afterStep: m.totp_last_step }),
      });
      if (!result.ok) continue;
      // Replay protection across processes: the step only ever moves forward, atomically.
      const claimed = await s.db.query(
        'UPDATE methods SET totp_last_step = $2, last_used_at = $3 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING id',
        [m.id, result.step, now],
      );
      if (claimed.length === 0) break;
      if (attempts > 1) await clear(s.db, `code:${subject.account.id}`);
      const outcome = await completeIfAllowed(c, subject, [
        ...(c.get('session')?.factors ?? []),
        { kind: 'authenticatorApp', methodId: m.id },
      ]);
      if (outcome instanceof Response) return outcome;
      return mfaPage(c, subject, currentDecision(c, subject), [], refusalText(outcome));
    }
    await audit(
      s.db,
      {
        event: 'sign_in.code_failed',
        accountId: subject.account.id,
        actorId: subject.account.id,
        detail: { kind: 'authenticatorApp' },
        ip: c.get('ip'),
      },
      now,
    );
    return mfaPage(c, subject, currentDecision(c, subject), [
      { field: 'code', text: 'The code is not right or has already been used. Wait for a new code and try again' },
    ]);
  });

  app.get('/sign-in/mfa/key', async (c) => {
    const subject = await mfaSubject(c);
    if (subject instanceof Response) return subject;
    const keys = subject.methods.filter((m) => m.kind === 'fido2');
    const body = html`<span class="caption">Signing in as ${subject.account.username}</span>
<h1>Sign in using a FIDO2 security key</h1>
${keys.length ? keyList(c, keys) : html`<p>You have not registered a security key.</p>`}
<p><a href="/sign-in/mfa/other">Sign in with other options</a></p>`;
    return send(c, 'Sign in using a FIDO2 security key', body, { scripts: ['webauthn.js'] });
  });

  app.post('/sign-in/mfa/key/options', async (c) => {
    const session = c.get('session');
    if (session?.stage !== 'mfa') return c.json({ error: 'session' }, 401);
    const s = c.get('services');
    const subject = await loadSubject(s.db, session.account_id);
    if (!subject) return c.json({ error: 'session' }, 401);
    let methodId: string | undefined;
    try {
      const body = (await c.req.json()) as { methodId?: unknown };
      if (typeof body.methodId === 'string') methodId = body.methodId;
    } catch {}
    const keys = subject.methods.filter((m) => m.kind === 'fido2' && (!methodId || m.id === methodId));
    if (keys.length === 0) return c.json({ error: 'no-key' }, 400);
    const options = await authenticationOptions(s, keys);
    await createChallenge(
      s.db,
      {
        purpose: 'webauthn-authenticate',
        sessionHash: sessionHash(c),
        accountId: subject.account.id,
        challenge: options.challenge,
        ttlSeconds: 300,
      },
      s.now(),
    );
    return c.json(options);
  });

  app.post('/sign-in/mfa/key', async (c) => {
    const subject = await mfaSubject(c);
    if (subject instanceof Response) return subject;
    const s = c.get('services');
    const now = s.now();
    const response = parseResponseField(await field(c, 'response'));
    const fail = (text: string) => mfaPage(c, subject, currentDecision(c, subject), [{ text }]);
    if (!response)
      return fail(
        'Your security key could not be used. Security keys need JavaScript switched on; or choose another way to sign in.',
      );
    const attempts = await hitCount(s.db, `code:${subject.account.id}`, LIMITS.codePerAccount, now);
    if (attempts > LIMITS.codePerAccount.limit) return tooManyCodes(c);
    const challenge = challengeOf(response);
    const credentialId = credentialIdOf(response);
    const key = subject.methods.find((m) => m.kind === 'fido2' && m.credential_id === credentialId);
    const consumed = challenge
      ? await consumeWebAuthnChallenge(s.db, 'webauthn-authenticate', sessionHash(c), challenge, now)
      : undefined;
    if (!consumed || !key || !challenge) {
      await audit(
        s.db,
        {
          event: 'sign_in.key_failed',
          accountId: subject.account.id,
          actorId: subject.account.id,
          reason: !consumed ? 'CHALLENGE_NOT_FOUND' : 'UNKNOWN_KEY',
          ip: c.get('ip'),
        },
        now,
      );
      return fail('That security key could not be used. Try again, or choose another way to sign in.');
    }
    let verified: Awaited<ReturnType<typeof verifyAssertion>>;
    try {
      verified = await verifyAssertion(s, response, challenge, key);
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'ERR_UNKNOWN';
      await audit(
        s.db,
        {
          event: 'sign_in.key_failed',
          accountId: subject.account.id,
          actorId: subject.account.id,
          reason: code,
          detail: { methodId: key.id },
          ip: c.get('ip'),
        },
        now,
      );
      return fail('That security key could not be used. Try again, or choose another way to sign in.');
    }
    await s.db.query('UPDATE methods SET sign_count = $2, last_used_at = $3 WHERE id = $1', [
      key.id,
      verified.newSignCount,
      now,
    ]);
    if (attempts > 1) await clear(s.db, `code:${subject.account.id}`);
    const outcome = await completeIfAllowed(c, subject, [
      ...(c.get('session')?.factors ?? []),
      { kind: 'fido2', methodId: key.id },
    ]);
    if (outcome instanceof Response) return outcome;
    return mfaPage(c, subject, currentDecision(c, subject), [], refusalText(outcome));
  });

  app.post('/sign-in/mfa/send', async (c) => {
    const subject = await mfaSubject(c);
    if (subject instanceof Response) return subject;
    const s = c.get('services');
    const now = s.now();
    const methodId = await field(c, 'methodId');
    const decision = currentDecision(c, subject);
    const method = offers(decision, subject)
      .flatMap((o) => o.methods)
      .find((m) => m.id === methodId && PHONE_KINDS.has(m.kind) && m.phone);
    if (!method) return mfaPage(c, subject, decision, [{ text: "Choose a way to verify it's you" }]);
    if (!(await hit(s.db, `send:${subject.account.id}`, LIMITS.sendPerAccount, now))) return tooManyCodes(c);
    const channel = method.kind === 'sms' ? 'sms' : 'voice';
    const code = numericCode(6);
    const id = await createChallenge(
      s.db,
      {
        purpose: 'sign-in-code',
        sessionHash: sessionHash(c),
        accountId: subject.account.id,
        code,
        data: { methodId: method.id, kind: method.kind },
        ttlSeconds: 600,
      },
      now,
    );
    await s.sender.send({
      channel,
      recipient: method.phone as string,
      accountId: subject.account.id,
      body: `Your ${s.config.serviceName} sign-in code is ${code}. It expires in 10 minutes. Nobody from ${s.config.serviceName} will ask you for it.`,
    });
    await audit(
      s.db,
      {
        event: 'sign_in.code_sent',
        accountId: subject.account.id,
        actorId: subject.account.id,
        detail: { kind: method.kind, channel },
        ip: c.get('ip'),
      },
      now,
    );
    return redirect(c, `/sign-in/mfa/code/${id}`);
  });

  app.get('/sign-in/mfa/code/:id', async (c) => {
    const subject = await mfaSubject(c);
    if (subject instanceof Response) return subject;
    return codePage(c, subject, c.req.param('id'), []);
  });

  app.post('/sign-in/mfa/code/:id', async (c) => {
    const subject = await mfaSubject(c);
    if (subject instanceof Response) return subject;
    const s = c.get('services');
    const now = s.now();
    const id = c.req.param('id');
    const code = (await field(c, 'code')).replace(/\s+/g, '');
    if (!/^\d{6}$/.test(code))
      return codePage(c, subject, id, [
        { field: 'code', text: code ? 'Enter the code as 6 digits' : 'Enter the code we sent you' },
      ]);
    const attempts = await hitCount(s.db, `code:${subject.account.id}`, LIMITS.codePerAccount, now);
    if (attempts > LIMITS.codePerAccount.limit) return tooManyCodes(c);
    const row = await consumeCode(s.db, id, 'sign-in-code', sessionHash(c), code, now);
    if (!row) {
      await audit(
        s.db,
        {
          event: 'sign_in.code_failed',
          accountId: subject.account.id,
          actorId: subject.account.id,
          detail: { kind: 'phone' },
          ip: c.get('ip'),
        },
        now,
      );
      return codePage(c, subject, id, [
        { field: 'code', text: 'The code is not right or has expired. Check it, or ask for a new code' },
      ]);
    }
    if (attempts > 1) await clear(s.db, `code:${subject.account.id}`);
    const methodId = String(row.data.methodId);
    const kind = String(row.data.kind) as Factor['kind'];
    await s.db.query('UPDATE methods SET last_used_at = $2 WHERE id = $1', [methodId, now]);
    const outcome = await completeIfAllowed(c, subject, [...(c.get('session')?.factors ?? []), { kind, methodId }]);
    if (outcome instanceof Response) return outcome;
    return mfaPage(c, subject, currentDecision(c, subject), [], refusalText(outcome));
  });

  app.post('/sign-in/mfa/push', async (c) => {
    const subject = await mfaSubject(c);
    if (subject instanceof Response) return subject;
    const s = c.get('services');
    const now = s.now();
    const decision = currentDecision(c, subject);
    const app = offers(decision, subject).find((o) => o.kind === 'authenticatorApp')?.methods[0];
    if (!app) return mfaPage(c, subject, decision, [{ text: "Choose a way to verify it's you" }]);
    if (!(await hit(s.db, `send:${subject.account.id}`, LIMITS.sendPerAccount, now))) return tooManyCodes(c);
    const number = randomInt(10, 100);
    const id = await createChallenge(
      s.db,
      {
        purpose: 'push',
        sessionHash: sessionHash(c),
        accountId: subject.account.id,
        data: { methodId: app.id, number, username: subject.account.username },
        ttlSeconds: 300,
      },
      now,
    );
    await s.sender.send({
      channel: 'push',
      recipient: subject.account.id,
      accountId: subject.account.id,
      challengeId: id,
      body: `Are you trying to sign in to ${s.config.serviceName} as ${subject.account.username}? Enter the number shown on the sign-in screen to approve.`,
    });
    await audit(
      s.db,
      { event: 'sign_in.push_sent', accountId: subject.account.id, actorId: subject.account.id, ip: c.get('ip') },
      now,
    );
    return redirect(c, `/sign-in/mfa/push/${id}`);
  });

  app.get('/sign-in/mfa/push/:id', async (c) => {
    const subject = await mfaSubject(c);
    if (subject instanceof Response) return subject;
    const s = c.get('services');
    const row = await peekChallenge(s.db, c.req.param('id'), 'push', sessionHash(c), s.now());
    if (!row) return redirect(c, '/sign-in/mfa', 'push-denied');
    return pushPage(c, subject, row.id, Number(row.data.number));
  });

  app.get('/sign-in/mfa/push/:id/status', async (c) => {
    const session = c.get('session');
    if (session?.stage !== 'mfa') return c.json({ state: 'expired' });
    const s = c.get('services');
    const row = await peekChallenge(s.db, c.req.param('id'), 'push', sessionHash(c), s.now());
    const state = !row ? 'expired' : row.denied_at ? 'denied' : row.approved_at ? 'approved' : 'pending';
    return c.json({ state });
  });

  app.post('/sign-in/mfa/push/:id', async (c) => {
    const subject = await mfaSubject(c);
    if (subject instanceof Response) return subject;
    const s = c.get('services');
    const now = s.now();
    const id = c.req.param('id');
    const row = await consumeById(
      s.db,
      id,
      'push',
      sessionHash(c),
      now,
      'AND approved_at IS NOT NULL AND denied_at IS NULL',
    );
    if (!row) {
      const live = await peekChallenge(s.db, id, 'push', sessionHash(c), now);
      if (live && !live.denied_at)
        return pushPage(c, subject, live.id, Number(live.data.number), [
          { text: 'The request has not been approved yet. Approve it on your authenticator app, then continue' },
        ]);
      return redirect(c, '/sign-in/mfa', 'push-denied');
    }
    const methodId = String(row.data.methodId);
    await s.db.query('UPDATE methods SET last_used_at = $2 WHERE id = $1', [methodId, now]);
    const outcome = await completeIfAllowed(c, subject, [
      ...(c.get('session')?.factors ?? []),
      { kind: 'authenticatorApp', methodId },
    ]);
    if (outcome instanceof Response) return outcome;
    return mfaPage(c, subject, currentDecision(c, subject), [], refusalText(outcome));
  });

  app.get('/sign-in/enrol', async (c) => {
    const subject = await mfaSubject(c);
    if (subject instanceof Response) return subject;
    const decision = currentDecision(c, subject);
    const kinds = decision.next?.find((n) => n.kind === 'enrol')?.methodKinds ?? [];
    const links: Html[] = [];
    if (kinds.includes('authenticatorApp'))
      links.push(
        html`<li><a class="button button-secondary" href="/methods/app/new">Set up an authenticator app</a></li>`,
      );
    for (const kind of ['sms', 'voice'] as const) {
      if (kinds.includes(kind))
        links.push(
          html`<li><a class="button button-secondary" href="/methods/phone/new?kind=${kind}">Add a ${kindName(kind).toLowerCase()}</a></li>`,
        );
    }
    const body = html`<span class="caption">Signing in as ${subject.account.username}</span>
<h1>Set up a way to verify it's you</h1>
<p>${decision.explain}</p>
${links.length ? html`<p>Choose one. You will use it each time you sign in.</p><ul class="option-list">${links}</ul>` : html`<p>Contact your Local Administrator to get access.</p>`}
<p><a href="/sign-in/cancel">Cancel</a></p>`;
    return send(c, "Set up a way to verify it's you", body);
  });

  app.post('/sign-out', async (c) => {
    const s = c.get('services');
    const token = getCookie(c, COOKIE.session);
    const account = c.get('account');
    if (token) await deleteSession(s.db, token);
    if (account)
      await audit(s.db, { event: 'sign_out', accountId: account.id, actorId: account.id, ip: c.get('ip') }, s.now());
    return redirect(c, '/sign-in', 'signed-out');
  });
}

function tooManyCodes(c: Ctx): Response {
  const body = html`<h1>Too many attempts</h1><p>You have tried too many codes or asked for too many. Wait 15 minutes, then try again.</p><p><a href="/sign-in">Back to sign in</a></p>`;
  return send(c, 'Too many attempts', body, { status: 429 });
}

async function codePage(c: Ctx, subject: Subject, id: string, errors: FieldError[]): Promise<Response> {
  const s = c.get('services');
  const row = await peekChallenge(s.db, id, 'sign-in-code', sessionHash(c), s.now());
  if (!row) return redirect(c, '/sign-in/mfa');
  const method = subject.methods.find((m) => m.id === row.data.methodId);
  const how = row.data.kind === 'sms' ? 'We have sent a code by text message to' : 'We are calling you with a code on';
  const body = html`${errorSummary(errors)}<span class="caption">Signing in as ${subject.account.username}</span>
<h1>Check your phone</h1>
<p>${how} ${maskPhone(method?.phone ?? '')}. The code expires in 10 minutes.</p>
${codeForm(c, `/sign-in/mfa/code/${id}`, 'The code is 6 digits.', errors)}
<p><a href="/sign-in/mfa/other">Sign in with other options</a></p>`;
  return send(c, 'Check your phone', body, { errors });
}

function pushPage(c: Ctx, subject: Subject, id: string, number: number, errors: FieldError[] = []): Response {
  const body = html`${errorSummary(errors)}<span class="caption">Signing in as ${subject.account.username}</span>
<h1>Approve the request on your authenticator app</h1>
<p>We have sent a sign-in request to your authenticator app. When it asks, enter this number:</p>
<p class="number-match" aria-label="Number to enter: ${number}">${number}</p>
<form method="post" action="/sign-in/mfa/push/${id}" data-push-wait="/sign-in/mfa/push/${id}/status">
${csrfField(pageCtx(c))}
<button type="submit" class="button">I have approved it, continue</button>
</form>
<div class="js-status" role="status" aria-live="polite"></div>
<p><a href="/sign-in/mfa/other">Sign in with other options</a></p>`;
  return send(c, 'Approve the request on your authenticator app', body, { scripts: ['push-wait.js'], errors });
}
