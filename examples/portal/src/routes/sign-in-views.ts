import type { Decision } from '@keyward/mfa-policy';
import type { Ctx } from '../context.ts';
import { redirect, send, sessionHash } from '../http.ts';
import { refusalText, type Subject, sessionSubject } from '../policy.ts';
import { maskPhone } from '../sender.ts';
import type { MethodRow } from '../store/accounts.ts';
import { peekChallenge } from '../store/challenges.ts';
import { csrfField, errorSummary, type FieldError, type Html, html, textInput } from '../views/components.ts';
import { policyContext } from './sign-in-core.ts';

// Shared by the sign-in routes: the MFA prompt page and its parts, driven by the policy's `next`.

/** Method kinds that are phone numbers. */
export const PHONE_KINDS = new Set(['sms', 'voice', 'alternatePhone', 'officePhone']);
export { LIMITS } from '../security/rate-limit.ts';

export function pageCtx(c: Ctx): { csrf: string } {
  return { csrf: c.get('csrf') };
}

/** The account in the half-signed-in state, or a redirect to the start. */
export async function mfaSubject(c: Ctx): Promise<Subject | Response> {
  const session = c.get('session');
  if (session?.stage !== 'mfa') return redirect(c, '/sign-in', session ? undefined : 'session-expired');
  const subject = await sessionSubject(c, session.account_id);
  if (!subject) return redirect(c, '/sign-in');
  return subject;
}

export function currentDecision(c: Ctx, subject: Subject): Decision {
  const s = c.get('services');
  const session = c.get('session');
  return s.policy.evaluateSignIn(subject.policyAccount, {
    factors: session?.factors ?? [{ kind: 'password' }],
    context: policyContext(session?.context ?? { client: 'browser' }),
  });
}

export interface Offer {
  kind: string;
  methods: MethodRow[];
}

/** What the policy says would satisfy the prompt now, with the stored methods behind it. */
export function offers(decision: Decision, subject: Subject): Offer[] {
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

export function optionButtons(c: Ctx, list: Offer[]): Html {
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

export function codeForm(c: Ctx, action: string, hint: string, errors: FieldError[]): Html {
  return html`<form method="post" action="${action}" novalidate>
${csrfField(pageCtx(c))}
${textInput({ name: 'code', label: 'Code', hint, autocomplete: 'one-time-code', inputmode: 'numeric', width10: true, maxlength: 10, errors, autofocus: true })}
<button type="submit" class="button">Sign in</button>
</form>`;
}

export function keyList(c: Ctx, keys: MethodRow[]): Html {
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

export function mfaPage(
  c: Ctx,
  subject: Subject,
  decision: Decision,
  errors: FieldError[] = [],
  refusal?: string,
): Response {
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

export function tooManyCodes(c: Ctx): Response {
  const body = html`<h1>Too many attempts</h1><p>You have tried too many codes or asked for too many. Wait 15 minutes, then try again.</p><p><a href="/sign-in">Back to sign in</a></p>`;
  return send(c, 'Too many attempts', body, { status: 429 });
}

export async function codePage(c: Ctx, subject: Subject, id: string, errors: FieldError[]): Promise<Response> {
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

export function pushPage(c: Ctx, subject: Subject, id: string, number: number, errors: FieldError[] = []): Response {
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
