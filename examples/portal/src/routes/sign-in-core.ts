import type { Decision } from '@keyward/mfa-policy';
import { getCookie } from 'hono/cookie';
import type { Ctx } from '../context.ts';
import type { Queryable } from '../db/database.ts';
import { COOKIE, redirect, sessionHash, setPortalCookie } from '../http.ts';
import { decideSignIn, type Subject } from '../policy.ts';
import { clear, codeLimitKey, countCodeAttempt, LIMITS } from '../security/rate-limit.ts';
import { randomToken, sha256 } from '../security/tokens.ts';
import { audit } from '../store/audit.ts';
import { consumeWebAuthnChallenge } from '../store/challenges.ts';
import { createSession, deleteSession, type Factor, type RiskContext } from '../store/sessions.ts';
import { type FactorClaim, writeMfaStep } from '../store/sign-in-step.ts';

/** Only the keys the policy knows go to it. */
export function policyContext(context: RiskContext & { deviceHash?: string }): RiskContext {
  const out: RiskContext = { client: 'browser' };
  if (context.newDevice !== undefined) out.newDevice = context.newDevice;
  if (context.unusualLocation !== undefined) out.unusualLocation = context.unusualLocation;
  return out;
}

/** Measures the risk signals: a device cookie seen before for this account, and the network. */
export async function measureRisk(c: Ctx, accountId: string): Promise<RiskContext & { deviceHash?: string }> {
  const s = c.get('services');
  const device = rememberedDevice(c);
  let newDevice = true;
  let deviceHash: string | undefined;
  if (device) {
    deviceHash = sha256(device);
    const rows = await s.db.query('SELECT 1 FROM known_devices WHERE account_id = $1 AND device_hash = $2', [
      accountId,
      deviceHash,
    ]);
    newDevice = rows.length === 0;
  }
  const ip = c.get('ip');
  const unusualLocation = ip === undefined ? false : !s.networks.contains(ip);
  return { client: 'browser', newDevice, unusualLocation, ...(deviceHash ? { deviceHash } : {}) };
}

/** Replaces the visitor's session with a new one (a new id at every stage change). */
export async function rotateSession(
  c: Ctx,
  accountId: string,
  stage: 'mfa' | 'full',
  factors: Factor[],
  context: RiskContext & { deviceHash?: string },
  db: Queryable = c.get('services').db,
): Promise<string> {
  const s = c.get('services');
  const old = getCookie(c, COOKIE.session);
  if (old) await deleteSession(db, old);
  const ttl = stage === 'full' ? s.config.sessionTtlSeconds : s.config.mfaStepTtlSeconds;
  const token = await createSession(db, { accountId, stage, factors, context, ttlSeconds: ttl }, s.now());
  setPortalCookie(c, COOKIE.session, token);
  c.set('sessionToken', token);
  return token;
}

/**
 * Asks the policy about the factors proven so far; when it allows, finishes the sign-in
 * (rotated full session, device remembered, audit) and redirects to the profile.
 * Otherwise returns the decision for the caller to show.
 */
export async function completeIfAllowed(c: Ctx, subject: Subject, factors: Factor[]): Promise<Response | Decision> {
  const s = c.get('services');
  const session = c.get('session');
  const context = session?.context ?? { client: 'browser' as const };
  const decision = decideSignIn(s, subject, { factors, context: policyContext(context) });
  if (!decision.allowed) {
    await auditStepFailure(c, subject, 'sign_in.refused', decision.reason, { factors: factors.map((f) => f.kind) });
    return decision;
  }
  const now = s.now();
  const device = deviceCookie(c);
  const deviceHash = sha256(device);
  // The new session, the remembered device and the audit entry commit together (one commit).
  await s.db.transaction(async (tx) => {
    await rotateSession(c, subject.account.id, 'full', factors, context, tx);
    await tx.query(
      `INSERT INTO known_devices (account_id, device_hash, first_seen_at, last_seen_at) VALUES ($1, $2, $3, $3)
       ON CONFLICT (account_id, device_hash) DO UPDATE SET last_seen_at = $3`,
      [subject.account.id, deviceHash, now],
    );
    await audit(
      tx,
      {
        event: 'sign_in.success',
        accountId: subject.account.id,
        actorId: subject.account.id,
        reason: decision.reason,
        detail: signInDetail(factors, context),
        ip: c.get('ip'),
      },
      now,
    );
  });
  setPortalCookie(c, COOKIE.device, device, 400 * 24 * 3600);
  return redirect(c, '/profile');
}

/** Why an MFA step whose code or signature was right still did not sign the user in. */
export type MfaStepFailure =
  /** Over the account's attempt limit (checked in the same statement as the claim). */
  | 'TOO_MANY'
  /** The time step or the challenge was already used (a replay, or a second copy of a request). */
  | 'ALREADY_USED'
  /** The key's signature counter did not move up past the stored one (a cloned key, or a race). */
  | 'SIGN_COUNT'
  /** The half-signed-in session ended meanwhile (signed out, expired, or the account removed). */
  | 'SESSION_ENDED';

/** The audit detail of a successful sign-in: the factors used and the risk signals seen. */
function signInDetail(factors: Factor[], context: RiskContext): Record<string, unknown> {
  return {
    factors: factors.map((f) => f.kind),
    newDevice: context.newDevice ?? null,
    unusualLocation: context.unusualLocation ?? null,
  };
}

/**
 * Audits a sign-in step that did not sign the user in: `sign_in.code_failed` (a wrong code, a
 * replay, an ended session) and `sign_in.key_failed` (the same for security keys), or
 * `sign_in.refused` (a right factor the policy did not accept).
 */
export async function auditStepFailure(
  c: Ctx,
  subject: Subject,
  event: 'sign_in.code_failed' | 'sign_in.key_failed' | 'sign_in.refused',
  reason: string | undefined,
  detail: Record<string, unknown>,
): Promise<void> {
  const s = c.get('services');
  await audit(
    s.db,
    {
      event,
      accountId: subject.account.id,
      actorId: subject.account.id,
      reason,
      detail,
      ip: c.get('ip'),
    },
    s.now(),
  );
}

/** The browser's remembered-device cookie, when it has a well-formed one. */
function rememberedDevice(c: Ctx): string | undefined {
  const device = getCookie(c, COOKIE.device);
  return device && device.length >= 20 && device.length <= 64 ? device : undefined;
}

/** The remembered-device cookie of this browser, or a new one. */
function deviceCookie(c: Ctx): string {
  return rememberedDevice(c) ?? randomToken(24);
}

/**
 * Finishes an MFA step whose code or signature has been checked. When the policy allows the
 * sign-in, one statement counts the attempt, claims the factor, replaces the session, remembers
 * the device and writes the audit entry (see {@link writeMfaStep}); the user is redirected to
 * the profile. When the policy refuses, the factor is still claimed and the refusal audited, and
 * the decision is returned for the page to explain.
 */
export async function finishMfaStep(
  c: Ctx,
  subject: Subject,
  factor: Factor,
  claim: FactorClaim,
): Promise<Response | Decision | MfaStepFailure> {
  const s = c.get('services');
  const session = c.get('session');
  const context = session?.context ?? { client: 'browser' as const };
  const factors = [...(session?.factors ?? []), factor];
  const decision = decideSignIn(s, subject, { factors, context: policyContext(context) });
  const now = s.now();
  const limitKey = codeLimitKey(subject.account.id);
  const limit = LIMITS.codePerAccount;
  if (!decision.allowed) return refuseMfaStep(c, subject, factors, claim, decision);
  const device = deviceCookie(c);
  const result = await writeMfaStep(
    s.db,
    {
      accountId: subject.account.id,
      sessionHash: sessionHash(c),
      limitKey,
      limit,
      claim,
      factors,
      context,
      ttlSeconds: s.config.sessionTtlSeconds,
      deviceHash: sha256(device),
      reason: decision.reason,
      detail: signInDetail(factors, context),
      ip: c.get('ip'),
    },
    now,
  );
  if (result.attempts > limit.limit) return 'TOO_MANY';
  if (!result.claimed) return 'ALREADY_USED';
  if (!result.counted) return 'SIGN_COUNT';
  if (!result.token) return 'SESSION_ENDED';
  if (result.attempts > 1) await clear(s.db, limitKey);
  setPortalCookie(c, COOKIE.session, result.token);
  c.set('sessionToken', result.token);
  setPortalCookie(c, COOKIE.device, device, 400 * 24 * 3600);
  return redirect(c, '/profile');
}

/** The policy refused a step whose factor was right: count it, claim the factor, audit the refusal. */
async function refuseMfaStep(
  c: Ctx,
  subject: Subject,
  factors: Factor[],
  claim: FactorClaim,
  decision: Decision,
): Promise<Decision | MfaStepFailure> {
  const s = c.get('services');
  const now = s.now();
  const attempts = await countCodeAttempt(s.db, subject.account.id, now);
  if (attempts > LIMITS.codePerAccount.limit) return 'TOO_MANY';
  const claimed =
    claim.kind === 'totp'
      ? (
          await s.db.query(
            'UPDATE methods SET totp_last_step = $2, last_used_at = $3 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING id',
            [claim.methodId, claim.step, now],
          )
        ).length > 0
      : (await consumeWebAuthnChallenge(s.db, 'webauthn-authenticate', sessionHash(c), claim.challenge, now)) !==
        undefined;
  if (!claimed) return 'ALREADY_USED';
  if (claim.kind === 'webauthn')
    // Only ever up: a slower request with an older counter must not move it back.
    await s.db.query(
      'UPDATE methods SET sign_count = $2, last_used_at = $3 WHERE id = $1 AND coalesce(sign_count, 0) < $2',
      [claim.methodId, claim.signCount, now],
    );
  await auditStepFailure(c, subject, 'sign_in.refused', decision.reason, { factors: factors.map((f) => f.kind) });
  return decision;
}
