import type { Hono } from 'hono';
import type { AppEnv } from '../context.ts';
import { field, jsonBody, redirect, send, sessionHash } from '../http.ts';
import { refusalText, sessionSubject } from '../policy.ts';
import { countCodeAttempt } from '../security/rate-limit.ts';
import { consumeWebAuthnChallenge, createChallenge } from '../store/challenges.ts';
import { html } from '../views/components.ts';
import {
  authenticationOptions,
  challengeOf,
  credentialIdOf,
  parseResponseField,
  verifyAssertion,
} from '../webauthn.ts';
import { auditStepFailure, finishMfaStep } from './sign-in-core.ts';
import { currentDecision, keyList, LIMITS, mfaPage, mfaSubject, tooManyCodes } from './sign-in-views.ts';

/** The security-key step of sign-in: the key list, options, the assertion. */
export function signInKeyRoutes(app: Hono<AppEnv>): void {
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
    const subject = await sessionSubject(c, session.account_id);
    if (!subject) return c.json({ error: 'session' }, 401);
    const body = jsonBody(c) as { methodId?: unknown } | null | undefined;
    const methodId = typeof body?.methodId === 'string' ? body.methodId : undefined;
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
    const challenge = challengeOf(response);
    const credentialId = credentialIdOf(response);
    const key = subject.methods.find((m) => m.kind === 'fido2' && m.credential_id === credentialId);
    // A failed attempt is counted, burns the challenge it names, and is audited.
    const refuse = async (reason: string, detail: Record<string, unknown> = {}) => {
      const attempts = await countCodeAttempt(s.db, subject.account.id, now);
      if (challenge) await consumeWebAuthnChallenge(s.db, 'webauthn-authenticate', sessionHash(c), challenge, now);
      await auditStepFailure(c, subject, 'sign_in.key_failed', reason, detail);
      if (attempts > LIMITS.codePerAccount.limit) return tooManyCodes(c);
      return fail('That security key could not be used. Try again, or choose another way to sign in.');
    };
    if (!challenge) return refuse('CHALLENGE_NOT_FOUND');
    if (!key) return refuse('UNKNOWN_KEY');
    // The signature is checked against the challenge the browser signed; that the challenge was
    // issued to this session, is unexpired and unused is checked when it is claimed, in the same
    // statement that counts the attempt and signs the user in.
    let verified: Awaited<ReturnType<typeof verifyAssertion>>;
    try {
      verified = await verifyAssertion(s, response, challenge, key);
    } catch (error) {
      return refuse((error as { code?: string }).code ?? 'ERR_UNKNOWN', { methodId: key.id });
    }
    const outcome = await finishMfaStep(
      c,
      subject,
      { kind: 'fido2', methodId: key.id },
      { kind: 'webauthn', methodId: key.id, challenge, signCount: verified.newSignCount },
    );
    if (outcome instanceof Response) return outcome;
    if (outcome === 'TOO_MANY') return tooManyCodes(c);
    if (typeof outcome === 'string') {
      await auditStepFailure(
        c,
        subject,
        'sign_in.key_failed',
        outcome === 'ALREADY_USED' ? 'CHALLENGE_NOT_FOUND' : outcome,
        {
          methodId: key.id,
        },
      );
      if (outcome === 'SESSION_ENDED') return redirect(c, '/sign-in', 'session-expired');
      return fail('That security key could not be used. Try again, or choose another way to sign in.');
    }
    return mfaPage(c, subject, currentDecision(c, subject), [], refusalText(outcome));
  });
}
