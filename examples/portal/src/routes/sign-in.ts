import { verifyTotp } from '@keyward/totp';
import type { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv, Ctx } from '../context.ts';
import { COOKIE, field, redirect, send } from '../http.ts';
import { loadSubject, refusalText } from '../policy.ts';
import { hashPassword, verifyPassword } from '../security/passwords.ts';
import { clear, countCodeAttempt, hit } from '../security/rate-limit.ts';
import { findAccountByUsername, kindName } from '../store/accounts.ts';
import { audit } from '../store/audit.ts';
import { deleteSession, type Factor } from '../store/sessions.ts';
import { csrfField, errorSummary, type FieldError, type Html, html, textInput } from '../views/components.ts';
import { auditStepFailure, completeIfAllowed, finishMfaStep, measureRisk, rotateSession } from './sign-in-core.ts';
import {
  codeForm,
  currentDecision,
  LIMITS,
  mfaPage,
  mfaSubject,
  offers,
  optionButtons,
  pageCtx,
  tooManyCodes,
} from './sign-in-views.ts';

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

/** Routes for the two-step sign-in: password, the MFA prompt, the app code, first enrolment, sign-out. */
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
    const wrong = [
      { field: 'code', text: 'The code is not right or has already been used. Wait for a new code and try again' },
    ];
    // The code is checked first (no database work); the attempt is counted in the same
    // statement that claims the time step and signs the user in.
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
      const outcome = await finishMfaStep(
        c,
        subject,
        { kind: 'authenticatorApp', methodId: m.id },
        { kind: 'totp', methodId: m.id, step: result.step },
      );
      if (outcome instanceof Response) return outcome;
      if (outcome === 'TOO_MANY') return tooManyCodes(c);
      if (typeof outcome === 'string') {
        await auditStepFailure(c, subject, 'sign_in.code_failed', outcome, { kind: 'authenticatorApp' });
        if (outcome === 'SESSION_ENDED') return redirect(c, '/sign-in', 'session-expired');
        return mfaPage(c, subject, currentDecision(c, subject), wrong);
      }
      return mfaPage(c, subject, currentDecision(c, subject), [], refusalText(outcome));
    }
    const attempts = await countCodeAttempt(s.db, subject.account.id, now);
    if (attempts > LIMITS.codePerAccount.limit) return tooManyCodes(c);
    await auditStepFailure(c, subject, 'sign_in.code_failed', undefined, { kind: 'authenticatorApp' });
    return mfaPage(c, subject, currentDecision(c, subject), wrong);
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
