import type { Decision } from '@keyward/mfa-policy';
import { getCookie } from 'hono/cookie';
import type { Ctx } from '../context.ts';
import type { Queryable } from '../db/database.ts';
import { COOKIE, redirect, setPortalCookie } from '../http.ts';
import { decideSignIn, type Subject } from '../policy.ts';
import { randomToken, sha256 } from '../security/tokens.ts';
import { audit } from '../store/audit.ts';
import { createSession, deleteSession, type Factor, type RiskContext } from '../store/sessions.ts';

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
  const device = getCookie(c, COOKIE.device);
  let newDevice = true;
  let deviceHash: string | undefined;
  if (device && device.length >= 20 && device.length <= 64) {
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
    await audit(
      s.db,
      {
        event: 'sign_in.refused',
        accountId: subject.account.id,
        actorId: subject.account.id,
        reason: decision.reason,
        detail: { factors: factors.map((f) => f.kind) },
        ip: c.get('ip'),
      },
      s.now(),
    );
    return decision;
  }
  const now = s.now();
  let device = getCookie(c, COOKIE.device);
  if (!device || device.length < 20 || device.length > 64) {
    device = randomToken(24);
  }
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
        detail: {
          factors: factors.map((f) => f.kind),
          newDevice: context.newDevice ?? null,
          unusualLocation: context.unusualLocation ?? null,
        },
        ip: c.get('ip'),
      },
      now,
    );
  });
  setPortalCookie(c, COOKIE.device, device, 400 * 24 * 3600);
  return redirect(c, '/profile');
}
