import type { Hono } from 'hono';
import type { AppEnv } from '../context.ts';
import { field, send, sessionHash } from '../http.ts';
import { loadSubject, refusalText } from '../policy.ts';
import { clear, hitCount } from '../security/rate-limit.ts';
import { audit } from '../store/audit.ts';
import { consumeWebAuthnChallenge, createChallenge } from '../store/challenges.ts';
import { html } from '../views/components.ts';
import {
  authenticationOptions,
  challengeOf,
  credentialIdOf,
  parseResponseField,
  verifyAssertion,
} from '../webauthn.ts';
import { completeIfAllowed } from './sign-in-core.ts';
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
}
