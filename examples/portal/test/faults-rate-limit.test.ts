// Filling the rate limiter: bursts far past every limit, spread over two portal instances that
// share one PostgreSQL database (two pools, as two processes would have). The counts are exact
// under concurrency (one atomic upsert per attempt), a full limiter refuses even the right
// password or code with a clear page, other users and addresses are not locked out, and one
// app code or one assertion is accepted once however many copies race.
import { generateTotp } from '@keyward/totp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../src/db/database.ts';
import { purgeExpired } from '../src/db/housekeeping.ts';
import { DEMO_TOTP_SECRET } from '../src/db/seed.ts';
import { Client, passwordStep, startPortal, type TestPortal } from './helpers.ts';
import { freshDatabase, sharedClusterUrl } from './scale/postgres.ts';

let cluster: { url: string; release(): void };
let database: Awaited<ReturnType<typeof freshDatabase>>;
const dbs: Database[] = [];
let one: TestPortal;
let two: TestPortal;

beforeAll(async () => {
  cluster = sharedClusterUrl(54344);
  database = await freshDatabase(cluster.url);
  dbs.push(await openDatabase({ url: database.url }), await openDatabase({ url: database.url }));
  one = await startPortal({}, { db: dbs[0] as Database });
  two = await startPortal({}, { db: dbs[1] as Database, seed: false });
  two.clock.now = one.clock.now;
});

afterAll(async () => {
  for (const db of dbs) await db.close();
  await database?.drop();
  cluster?.release();
});

/** A browser on portal `n % 2` from address `ip`. */
function browser(n: number, ip: string): Client {
  const c = new Client((n % 2 ? two : one).app);
  c.ip = ip;
  return c;
}

async function statuses(answers: Promise<{ res: Response; text: string }>[]) {
  const all = await Promise.all(answers);
  return { all, codes: all.map((a) => a.res.status).sort((x, y) => x - y) };
}

describe('the rate limiter, filled from two instances at once', () => {
  it('200 wrong passwords for one user at once: exactly 10 are checked, the right password is then refused', async () => {
    const { all, codes } = await statuses(
      Array.from({ length: 200 }, async (_, i) => {
        const c = browser(i, `10.20.${i >> 8}.${i & 255}`);
        await c.get('/sign-in');
        return c.post('/sign-in', { username: 'alice', password: `guess-${i}` });
      }),
    );
    expect(codes).toEqual([...Array(10).fill(401), ...Array(190).fill(429)]);
    for (const a of all.filter((x) => x.res.status === 429)) {
      expect(a.text).toContain('<h1>Too many attempts</h1>');
      expect(a.text).toContain('Wait 15 minutes, then try again.');
    }
    const audited = await one.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE event = 'sign_in.rate_limited' AND detail->>'username' = 'alice'",
    );
    expect(audited[0]?.n).toBe(190);
    // The right password now gets the same clear page, from either instance, and no session.
    for (const n of [0, 1]) {
      const c = browser(n, '10.21.0.1');
      await c.get('/sign-in');
      const res = await c.post('/sign-in', { username: 'alice', password: 'keyward-demo' });
      expect(res.res.status).toBe(429);
      expect((await c.get('/sign-in/mfa')).res.headers.get('location')).toBe('/sign-in');
    }
    // Another user is not locked out by alice's limit.
    const admin = browser(1, '10.21.0.2');
    expect(await passwordStep(admin, 'admin')).toBe('/sign-in/mfa');
    // After the window, alice can sign in again.
    const later = new Date(one.clock.now.getTime() + 16 * 60_000);
    one.clock.now = later;
    two.clock.now = later;
    const back = browser(0, '10.21.0.3');
    expect(await passwordStep(back, 'alice')).toBe('/sign-in/mfa');
  });

  it('150 attempts from one address at once: exactly 100 are checked, then that address is refused but others are not', async () => {
    const { codes } = await statuses(
      Array.from({ length: 150 }, async (_, i) => {
        const c = browser(i, '10.30.0.1');
        await c.get('/sign-in');
        return c.post('/sign-in', { username: `nobody-${i}`, password: 'whatever' });
      }),
    );
    expect(codes).toEqual([...Array(100).fill(401), ...Array(50).fill(429)]);
    const blocked = browser(0, '10.30.0.1');
    await blocked.get('/sign-in');
    expect((await blocked.post('/sign-in', { username: 'bob', password: 'keyward-demo' })).res.status).toBe(429);
    const elsewhere = browser(1, '10.30.0.2');
    expect(await passwordStep(elsewhere, 'bob')).not.toBeNull();
    // Each distinct username tried leaves a counter row: the table grows with what attackers send
    // until the rows are cleaned up (see docs/scaling.md).
    const rows = await one.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM rate_limits WHERE key LIKE 'pw:user:nobody-%'",
    );
    expect(rows[0]?.n).toBe(150);
  });

  it('30 wrong app codes at once on one sign-in: exactly 10 are checked; then the right code is refused', async () => {
    const c = browser(0, '10.40.0.1');
    expect(await passwordStep(c, 'admin')).toBe('/sign-in/mfa');
    const { all, codes } = await statuses(
      Array.from({ length: 30 }, (_, i) => {
        const app = (i % 2 ? two : one).app;
        const b = new Client(app);
        for (const [k, v] of c.cookies) b.cookies.set(k, v);
        b.csrf = c.csrf;
        b.ip = c.ip;
        return b.post('/sign-in/mfa/app', { code: String(100000 + i) });
      }),
    );
    expect(codes).toEqual([...Array(10).fill(400), ...Array(20).fill(429)]);
    for (const a of all.filter((x) => x.res.status === 429)) expect(a.text).toContain('Too many attempts');
    const right = generateTotp({ secret: DEMO_TOTP_SECRET, timestamp: one.clock.now.getTime() });
    const res = await c.post('/sign-in/mfa/app', { code: right });
    expect(res.res.status).toBe(429);
    expect((await c.get('/profile')).res.headers.get('location')).toBe('/sign-in');
  });

  it('one app code sent from 10 sign-ins of the same account at once: exactly one signs in', async () => {
    const now = new Date(one.clock.now.getTime() + 20 * 60_000);
    one.clock.now = now;
    two.clock.now = now;
    const browsers = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const c = browser(i, `10.50.0.${i + 1}`);
        expect(await passwordStep(c, 'alice')).toBe('/sign-in/mfa');
        return c;
      }),
    );
    const code = generateTotp({ secret: DEMO_TOTP_SECRET, timestamp: now.getTime() });
    const all = await Promise.all(browsers.map((c) => c.post('/sign-in/mfa/app', { code })));
    expect(all.filter((a) => a.location === '/profile')).toHaveLength(1);
    for (const a of all.filter((x) => x.location !== '/profile')) {
      expect(a.res.status).toBe(400);
      expect(a.text).toContain('The code is not right or has already been used');
    }
  });

  it('housekeeping deletes the rows nobody can use any more and keeps the live ones', async () => {
    const now = one.clock.now;
    const c = browser(0, '10.60.0.1');
    expect(await passwordStep(c, 'alice')).toBe('/sign-in/mfa');
    const alice = (await one.db.query<{ id: string }>("SELECT id FROM accounts WHERE username = 'alice'"))[0]?.id;
    const challenge = (ago: number, ttl: number) =>
      one.db.query(
        `INSERT INTO challenges (id, purpose, session_hash, account_id, challenge, created_at, expires_at)
         VALUES (gen_random_uuid(), 'webauthn-authenticate', 'x', $1, 'c', $2, $3)`,
        [alice, new Date(now.getTime() - ago), new Date(now.getTime() - ago + ttl)],
      );
    await challenge(3 * 3600_000, 300_000); // expired over an hour ago
    await challenge(0, 300_000); // live
    const sprayed = "SELECT count(*)::int AS n FROM rate_limits WHERE key LIKE 'pw:user:nobody-%'";
    expect((await one.db.query<{ n: number }>(sprayed))[0]?.n).toBe(150);

    const first = await purgeExpired(one.db, now);
    expect(first.challenges).toBe(1);
    expect(first.rateLimits).toBe(0);
    expect((await one.db.query("SELECT 1 FROM challenges WHERE challenge = 'c'")).length).toBe(1);
    // The half-signed-in session is live and still works.
    expect((await c.get('/sign-in/mfa')).res.status).toBe(200);

    // Two days later: the sprayed counters and every session made in this file have expired.
    const later = await purgeExpired(two.db, new Date(now.getTime() + 2 * 86_400_000));
    expect(later.rateLimits).toBeGreaterThanOrEqual(150);
    expect(later.sessions).toBeGreaterThan(0);
    expect(later.challenges).toBe(1);
    expect((await one.db.query<{ n: number }>(sprayed))[0]?.n).toBe(0);
    expect((await one.db.query('SELECT 1 FROM sessions')).length).toBe(0);
    // Running it again (another process at the same moment) finds nothing left to do.
    expect(await purgeExpired(one.db, new Date(now.getTime() + 2 * 86_400_000))).toEqual({
      challenges: 0,
      sessions: 0,
      rateLimits: 0,
    });
  });
});
