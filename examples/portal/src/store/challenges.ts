import type { Queryable } from '../db/database.ts';
import { newId, sha256 } from '../security/tokens.ts';

/** What a challenge is for. */
export type ChallengePurpose =
  | 'webauthn-authenticate'
  | 'webauthn-register'
  | 'sign-in-code'
  | 'push'
  | 'enrol-app'
  | 'verify-phone';

/** A challenge row. */
export interface ChallengeRow {
  id: string;
  purpose: ChallengePurpose;
  session_hash: string | null;
  account_id: string | null;
  challenge: string | null;
  code_hash: string | null;
  data: Record<string, unknown>;
  attempts: number;
  created_at: Date;
  expires_at: Date;
  approved_at: Date | null;
  denied_at: Date | null;
  used_at: Date | null;
}

/** Stores a new single-use challenge bound to a session. */
export async function createChallenge(
  db: Queryable,
  input: {
    purpose: ChallengePurpose;
    sessionHash: string;
    accountId: string;
    challenge?: string;
    code?: string;
    data?: Record<string, unknown>;
    ttlSeconds: number;
  },
  now: Date,
): Promise<string> {
  const id = newId();
  await db.query(
    `INSERT INTO challenges (id, purpose, session_hash, account_id, challenge, code_hash, data, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      id,
      input.purpose,
      input.sessionHash,
      input.accountId,
      input.challenge ?? null,
      input.code === undefined ? null : sha256(`${id}:${input.code}`),
      JSON.stringify(input.data ?? {}),
      now,
      new Date(now.getTime() + input.ttlSeconds * 1000),
    ],
  );
  return id;
}

/**
 * Consumes a WebAuthn challenge atomically: only one caller ever gets the row back, however
 * many processes race for it, and only before it expires.
 */
export async function consumeWebAuthnChallenge(
  db: Queryable,
  purpose: ChallengePurpose,
  sessionHash: string,
  challenge: string,
  now: Date,
): Promise<ChallengeRow | undefined> {
  const rows = await db.query<ChallengeRow>(
    `UPDATE challenges SET used_at = $4
     WHERE purpose = $1 AND session_hash = $2 AND challenge = $3 AND used_at IS NULL AND expires_at > $4
     RETURNING *`,
    [purpose, sessionHash, challenge, now],
  );
  return rows[0];
}

/** Reads a live (unused, unexpired) challenge of this session. */
export async function peekChallenge(
  db: Queryable,
  id: string,
  purpose: ChallengePurpose,
  sessionHash: string,
  now: Date,
): Promise<ChallengeRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const rows = await db.query<ChallengeRow>(
    'SELECT * FROM challenges WHERE id = $1 AND purpose = $2 AND session_hash = $3 AND used_at IS NULL AND expires_at > $4',
    [id, purpose, sessionHash, now],
  );
  return rows[0];
}

/**
 * Checks a code against a challenge and consumes it when right: one atomic UPDATE for the
 * right code; a wrong one counts an attempt, and the challenge dies after `maxAttempts`.
 */
export async function consumeCode(
  db: Queryable,
  id: string,
  purpose: ChallengePurpose,
  sessionHash: string,
  code: string,
  now: Date,
  maxAttempts = 5,
): Promise<ChallengeRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const rows = await db.query<ChallengeRow>(
    `UPDATE challenges SET used_at = $5
     WHERE id = $1 AND purpose = $2 AND session_hash = $3 AND code_hash = $4 AND used_at IS NULL AND expires_at > $5 AND attempts < $6
     RETURNING *`,
    [id, purpose, sessionHash, sha256(`${id}:${code}`), now, maxAttempts],
  );
  if (rows[0]) return rows[0];
  await db.query('UPDATE challenges SET attempts = attempts + 1 WHERE id = $1 AND used_at IS NULL', [id]);
  return undefined;
}

/** Consumes a challenge without a code (pending enrolments, approved pushes). */
export async function consumeById(
  db: Queryable,
  id: string,
  purpose: ChallengePurpose,
  sessionHash: string,
  now: Date,
  extraCondition = '',
): Promise<ChallengeRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const rows = await db.query<ChallengeRow>(
    `UPDATE challenges SET used_at = $4
     WHERE id = $1 AND purpose = $2 AND session_hash = $3 AND used_at IS NULL AND expires_at > $4 ${extraCondition}
     RETURNING *`,
    [id, purpose, sessionHash, now],
  );
  return rows[0];
}
