import type { Queryable } from '../db/database.ts';
import { type Limit, RATE_LIMIT_HIT } from '../security/rate-limit.ts';
import { randomToken, sha256 } from '../security/tokens.ts';
import type { Factor, RiskContext } from './sessions.ts';

/**
 * The factor an MFA step proves, as the database must claim it: the authenticator app's time
 * step (which only ever moves forward), or a security key's single-use challenge together with
 * its signature counter (which only ever moves up).
 */
export type FactorClaim =
  | { kind: 'totp'; methodId: string; step: number }
  | { kind: 'webauthn'; methodId: string; challenge: string; signCount: number };

/** Everything the finishing write of an MFA step needs. */
export interface MfaStepWrite {
  accountId: string;
  /** Hash of the half-signed-in session's id (challenges are bound to it). */
  sessionHash: string;
  /** The attempt limit of the account's codes and keys, and its key in `rate_limits`. */
  limitKey: string;
  limit: Limit;
  claim: FactorClaim;
  /** The full session's factors and risk context. */
  factors: Factor[];
  context: RiskContext & { deviceHash?: string };
  ttlSeconds: number;
  /** Hash of the device cookie to remember. */
  deviceHash: string;
  /** The policy's reason and the audit detail of the sign-in. */
  reason: string;
  detail: Record<string, unknown>;
  ip: string | undefined;
}

/** What the write did. */
export interface MfaStepResult {
  /** Attempts in the account's current window, this one included. */
  attempts: number;
  /** The factor was claimed: the time step moved forward, or the challenge was consumed. */
  claimed: boolean;
  /** The security key's counter moved up (always true for the app). */
  counted: boolean;
  /** The full session exists: `token` is its cookie value. */
  token: string | undefined;
}

// The claim of each factor kind. `live` holds a row only when the half-signed-in session still
// exists and this attempt is within the limit; nothing is claimed otherwise.
const CLAIMS = {
  totp: `claim AS (
    UPDATE methods SET totp_last_step = $15::int, last_used_at = $2
    WHERE id = $14::uuid AND account_id = $4::uuid AND kind = 'authenticatorApp'
      AND (totp_last_step IS NULL OR totp_last_step < $15::int) AND EXISTS (SELECT 1 FROM live)
    RETURNING id
  ), counted AS (SELECT id FROM claim)`,
  webauthn: `claim AS (
    UPDATE challenges SET used_at = $2
    WHERE purpose = 'webauthn-authenticate' AND session_hash = $5 AND challenge = $15::text
      AND used_at IS NULL AND expires_at > $2 AND EXISTS (SELECT 1 FROM live)
    RETURNING id
  ), counted AS (
    UPDATE methods SET sign_count = $17::bigint, last_used_at = $2
    WHERE id = $14::uuid AND account_id = $4::uuid AND kind = 'fido2' AND EXISTS (SELECT 1 FROM claim)
      AND ((coalesce(sign_count, 0) = 0 AND $17::bigint = 0) OR coalesce(sign_count, 0) < $17::bigint)
    RETURNING id
  )`,
} as const;

// One statement for the whole step, so one round trip, and atomic: the attempt is counted, the
// factor claimed, the half-signed-in session replaced by the full one, the device remembered
// and the audit entry written, or (past the limit, on a replay, after the session ended) only
// the attempt is counted. Two copies of one request race on the claim's row lock, and the
// second finds the step (or the challenge) already taken.
const STEP_SQL = (claim: string) => `WITH hit AS (${RATE_LIMIT_HIT}),
  live AS (
    SELECT 1 FROM sessions
    WHERE id_hash = $5 AND account_id = $4::uuid AND stage = 'mfa' AND expires_at > $2
      AND (SELECT count FROM hit) <= $13::int
  ), ${claim},
  ended AS (DELETE FROM sessions WHERE id_hash = $5 AND EXISTS (SELECT 1 FROM counted) RETURNING account_id),
  started AS (
    INSERT INTO sessions (id_hash, account_id, stage, factors, context, created_at, expires_at, last_seen_at)
    SELECT $6::text, account_id, 'full', $7::jsonb, $8::jsonb, $2, $9::timestamptz, $2 FROM ended
    RETURNING account_id
  ),
  device AS (
    INSERT INTO known_devices (account_id, device_hash, first_seen_at, last_seen_at)
    SELECT account_id, $10::text, $2, $2 FROM started
    ON CONFLICT (account_id, device_hash) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at
  ),
  logged AS (
    INSERT INTO audit_log (at, actor_id, account_id, event, reason, detail, ip)
    SELECT $2, account_id, account_id, 'sign_in.success', $11::text, $12::jsonb, $16::text FROM started
  )
SELECT (SELECT count FROM hit) AS attempts, EXISTS (SELECT 1 FROM claim) AS claimed,
  EXISTS (SELECT 1 FROM counted) AS counted, EXISTS (SELECT 1 FROM started) AS completed`;

const SQL = { totp: STEP_SQL(CLAIMS.totp), webauthn: STEP_SQL(CLAIMS.webauthn) } as const;

/**
 * Finishes an MFA step in one statement once the code or signature has been checked and the
 * policy has allowed the sign-in: see {@link MfaStepResult} for what it reports.
 */
export async function writeMfaStep(db: Queryable, input: MfaStepWrite, now: Date): Promise<MfaStepResult> {
  const token = randomToken(32);
  const claim = input.claim;
  const params: unknown[] = [
    input.limitKey,
    now,
    new Date(now.getTime() - input.limit.windowSeconds * 1000),
    input.accountId,
    input.sessionHash,
    sha256(token),
    JSON.stringify(input.factors),
    JSON.stringify(input.context),
    new Date(now.getTime() + input.ttlSeconds * 1000),
    input.deviceHash,
    input.reason,
    JSON.stringify(input.detail),
    input.limit.limit,
    claim.methodId,
    claim.kind === 'totp' ? claim.step : claim.challenge,
  ];
  params.push(input.ip ?? null);
  if (claim.kind === 'webauthn') params.push(claim.signCount);
  const rows = await db.query<{ attempts: number; claimed: boolean; counted: boolean; completed: boolean }>(
    SQL[claim.kind],
    params,
  );
  const row = rows[0];
  return {
    attempts: row?.attempts ?? 0,
    claimed: row?.claimed === true,
    counted: row?.counted === true,
    token: row?.completed ? token : undefined,
  };
}
