import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../src/db/database.ts';
import { loadMigrations, migrate } from '../src/db/migrate.ts';
import { hashPassword, verifyPassword } from '../src/security/passwords.ts';
import { hit } from '../src/security/rate-limit.ts';
import { newId } from '../src/security/tokens.ts';
import { consumeCode, consumeWebAuthnChallenge, createChallenge } from '../src/store/challenges.ts';
import { createSession, loadSession } from '../src/store/sessions.ts';

// Every storage test runs on embedded PGlite, and on PostgreSQL too when DATABASE_URL is set
// (each run in a fresh schema).
const targets: [string, () => Promise<Database>][] = [['pglite', () => openDatabase({})]];
const url = process.env.DATABASE_URL;
if (url)
  targets.push(['postgres', () => openDatabase({ url, schema: `portal_test_${randomBytes(6).toString('hex')}` })]);

const opened: Database[] = [];
afterAll(async () => {
  for (const db of opened) {
    if (db.kind === 'postgres') {
      const [row] = await db.query<{ s: string }>('SELECT current_schema() AS s');
      await db.query(`DROP SCHEMA ${row?.s} CASCADE`);
    }
    await db.close();
  }
});

async function account(db: Database): Promise<string> {
  const id = newId();
  await db.query(
    "INSERT INTO accounts (id, username, display_name, password_hash, created_at) VALUES ($1, $2, 'T', 'x', now())",
    [id, `u${id.slice(0, 8)}`],
  );
  return id;
}

describe.each(targets)('storage on %s', (_name, open) => {
  let db: Database;

  it('applies the versioned migrations once, also when two runs race', async () => {
    db = await open();
    opened.push(db);
    const [a, b] = await Promise.all([migrate(db), migrate(db)]);
    expect([...(a ?? []), ...(b ?? [])].sort()).toEqual(loadMigrations().map((m) => m.version));
    expect(await migrate(db)).toEqual([]);
    const rows = await db.query<{ version: number }>('SELECT version FROM schema_migrations');
    expect(rows.map((r) => r.version)).toEqual(loadMigrations().map((m) => m.version));
  });

  it('keeps the audit log append-only', async () => {
    await db.query("INSERT INTO audit_log (at, event) VALUES (now(), 'test')");
    await expect(db.query("UPDATE audit_log SET event = 'changed'")).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
  });

  it('lets exactly one of many concurrent consumers use a challenge', async () => {
    const accountId = await account(db);
    const now = new Date();
    await createChallenge(
      db,
      { purpose: 'webauthn-authenticate', sessionHash: 'S', accountId, challenge: 'abc', ttlSeconds: 60 },
      now,
    );
    const results = await Promise.all(
      Array.from({ length: 10 }, () => consumeWebAuthnChallenge(db, 'webauthn-authenticate', 'S', 'abc', now)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('refuses an expired challenge and one bound to another session', async () => {
    const accountId = await account(db);
    const now = new Date();
    await createChallenge(
      db,
      { purpose: 'webauthn-register', sessionHash: 'S1', accountId, challenge: 'c1', ttlSeconds: 60 },
      now,
    );
    expect(await consumeWebAuthnChallenge(db, 'webauthn-register', 'S2', 'c1', now)).toBeUndefined();
    expect(
      await consumeWebAuthnChallenge(db, 'webauthn-register', 'S1', 'c1', new Date(now.getTime() + 61_000)),
    ).toBeUndefined();
    expect(await consumeWebAuthnChallenge(db, 'webauthn-authenticate', 'S1', 'c1', now)).toBeUndefined();
    expect(await consumeWebAuthnChallenge(db, 'webauthn-register', 'S1', 'c1', now)).toBeDefined();
  });

  it('kills a code after five wrong attempts', async () => {
    const accountId = await account(db);
    const now = new Date();
    const id = await createChallenge(
      db,
      { purpose: 'sign-in-code', sessionHash: 'S', accountId, code: '123456', ttlSeconds: 600 },
      now,
    );
    for (let i = 0; i < 5; i++) expect(await consumeCode(db, id, 'sign-in-code', 'S', '000000', now)).toBeUndefined();
    expect(await consumeCode(db, id, 'sign-in-code', 'S', '123456', now)).toBeUndefined();
    const id2 = await createChallenge(
      db,
      { purpose: 'sign-in-code', sessionHash: 'S', accountId, code: '123456', ttlSeconds: 600 },
      now,
    );
    expect(await consumeCode(db, id2, 'sign-in-code', 'S', '123456', now)).toBeDefined();
    expect(await consumeCode(db, id2, 'sign-in-code', 'S', '123456', now)).toBeUndefined();
  });

  it('counts rate-limit hits in the database and restarts the window', async () => {
    const now = new Date();
    const rule = { limit: 3, windowSeconds: 60 };
    const results = await Promise.all(Array.from({ length: 5 }, () => hit(db, 'k', rule, now)));
    expect(results.filter(Boolean)).toHaveLength(3);
    expect(await hit(db, 'k', rule, new Date(now.getTime() + 61_000))).toBe(true);
  });

  it('stores only a hash of the session id and ends idle or expired sessions', async () => {
    const accountId = await account(db);
    const now = new Date();
    const token = await createSession(
      db,
      { accountId, stage: 'full', factors: [{ kind: 'password' }], context: { client: 'browser' }, ttlSeconds: 3600 },
      now,
    );
    expect(await db.query('SELECT 1 FROM sessions WHERE id_hash = $1', [token])).toHaveLength(0);
    expect((await loadSession(db, token, now, 600))?.account_id).toBe(accountId);
    expect(await loadSession(db, token, new Date(now.getTime() + 601_000), 600)).toBeUndefined();
    const t2 = await createSession(db, { accountId, stage: 'full', factors: [], context: {}, ttlSeconds: 60 }, now);
    expect(await loadSession(db, t2, new Date(now.getTime() + 61_000), 600)).toBeUndefined();
  });
});

describe('passwords', () => {
  it('hashes with scrypt and a salt, and verifies in constant time', async () => {
    const params = { cost: 2 ** 10, blockSize: 8, parallelization: 1 };
    const a = await hashPassword('correct horse', params);
    const b = await hashPassword('correct horse', params);
    expect(a).not.toBe(b);
    expect(a.startsWith('scrypt$1024$8$1$')).toBe(true);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct hors', a)).toBe(false);
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
  });
});
