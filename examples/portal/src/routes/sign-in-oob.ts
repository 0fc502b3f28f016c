import { randomInt } from 'node:crypto';
import type { Hono } from 'hono';
import type { AppEnv } from '../context.ts';
import { field, redirect, sessionHash } from '../http.ts';
import { refusalText } from '../policy.ts';
import { clear, codeLimitKey, countCodeAttempt, hit } from '../security/rate-limit.ts';
import { numericCode } from '../security/tokens.ts';
import { audit } from '../store/audit.ts';
import { consumeById, consumeCode, createChallenge, peekChallenge } from '../store/challenges.ts';
import type { Factor } from '../store/sessions.ts';
import { auditStepFailure, completeIfAllowed } from './sign-in-core.ts';
import {
  codePage,
  currentDecision,
  LIMITS,
  mfaPage,
  mfaSubject,
  offers,
  PHONE_KINDS,
  pushPage,
  tooManyCodes,
} from './sign-in-views.ts';

/** Out-of-band sign-in steps: codes by text or call, and push approval with number matching. */
export function signInOutOfBandRoutes(app: Hono<AppEnv>): void {
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
    const attempts = await countCodeAttempt(s.db, subject.account.id, now);
    if (attempts > LIMITS.codePerAccount.limit) return tooManyCodes(c);
    const row = await consumeCode(s.db, id, 'sign-in-code', sessionHash(c), code, now);
    if (!row) {
      await auditStepFailure(c, subject, 'sign_in.code_failed', undefined, { kind: 'phone' });
      return codePage(c, subject, id, [
        { field: 'code', text: 'The code is not right or has expired. Check it, or ask for a new code' },
      ]);
    }
    if (attempts > 1) await clear(s.db, codeLimitKey(subject.account.id));
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
}
