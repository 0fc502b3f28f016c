import { generateTotp } from '@keyward/totp';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_TOTP_SECRET } from '../src/db/seed.ts';
import { Client, passwordStep, startPortal, type TestPortal } from './helpers.ts';

let portal: TestPortal;
afterEach(async () => portal?.close());

function code(p: TestPortal, offsetSteps = 0): string {
  return generateTotp({ secret: DEMO_TOTP_SECRET, timestamp: p.clock.now.getTime() + offsetSteps * 30_000 });
}

async function auditEvents(p: TestPortal, username: string): Promise<{ event: string; reason: string | null }[]> {
  return p.db.query(
    'SELECT event, reason FROM audit_log WHERE account_id = (SELECT id FROM accounts WHERE username = $1) ORDER BY id',
    [username],
  );
}

describe('password step', () => {
  it('shows the sign-in page with security headers and no inline script', async () => {
    portal = await startPortal();
    const client = new Client(portal.app);
    const { res, text } = await client.get('/sign-in');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(text).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(text).toContain('<label for="username">Username</label>');
    expect(text).toContain('<label for="password">Password</label>');
    expect(text).toContain('>Sign in</button>');
  });

  it('rejects a form without the CSRF token, or from another origin', async () => {
    portal = await startPortal();
    const client = new Client(portal.app);
    await client.get('/sign-in');
    const good = client.csrf;
    client.csrf = 'forged';
    expect((await client.post('/sign-in', { username: 'alice', password: 'keyward-demo' })).res.status).toBe(403);
    client.csrf = good;
    const res = await client.request('POST', '/sign-in', {
      form: { username: 'alice', password: 'keyward-demo' },
      headers: { origin: 'https://evil.example' },
    });
    expect(res.status).toBe(403);
  });

  it('asks for both fields, and gives one generic error for a wrong password or an unknown user', async () => {
    portal = await startPortal();
    const client = new Client(portal.app);
    await client.get('/sign-in');
    const empty = await client.post('/sign-in', { username: '', password: '' });
    expect(empty.res.status).toBe(400);
    expect(empty.text).toContain('Enter your username');
    expect(empty.text).toContain('Enter your password');
    const wrong = await client.post('/sign-in', { username: 'alice', password: 'nope' });
    const unknown = await client.post('/sign-in', { username: 'nobody', password: 'nope' });
    expect(wrong.res.status).toBe(401);
    expect(unknown.res.status).toBe(401);
    const msg = (t: string) => /<div class="error-summary"[\s\S]*?<\/div>/.exec(t)?.[0];
    expect(msg(wrong.text)).toBe(msg(unknown.text));
    expect((await auditEvents(portal, 'alice')).map((e) => e.event)).toContain('sign_in.password_failed');
  });

  it('rate-limits password attempts per username in the database', async () => {
    portal = await startPortal();
    const client = new Client(portal.app);
    await client.get('/sign-in');
    for (let i = 0; i < 10; i++)
      expect((await client.post('/sign-in', { username: 'alice', password: 'wrong' })).res.status).toBe(401);
    const blocked = await client.post('/sign-in', { username: 'alice', password: 'keyward-demo' });
    expect(blocked.res.status).toBe(429);
    // Another "process" (a second app on the same database) sees the same counter.
    const other = await startPortal({}, { db: portal.db, seed: false });
    const client2 = new Client(other.app);
    await client2.get('/sign-in');
    expect((await client2.post('/sign-in', { username: 'alice', password: 'keyward-demo' })).res.status).toBe(429);
    portal.clock.now = new Date(portal.clock.now.getTime() + 16 * 60_000);
    expect((await client.post('/sign-in', { username: 'alice', password: 'keyward-demo' })).location).toBe(
      '/sign-in/mfa',
    );
  });
});

describe('MFA with the authenticator app', () => {
  it('signs alice in with a TOTP code and rotates the session cookie at each stage', async () => {
    portal = await startPortal();
    const client = new Client(portal.app);
    expect(await passwordStep(client, 'alice')).toBe('/sign-in/mfa');
    const half = client.cookies.get('kw_session');
    expect(half).toBeTruthy();
    // Half signed in is not signed in.
    expect((await client.get('/profile')).res.headers.get('location')).toBe('/sign-in');
    const page = await client.get('/sign-in/mfa');
    expect(page.text).toContain('<label for="code">Code</label>');
    expect(page.text).toContain('Sign in with other options');
    const done = await client.post('/sign-in/mfa/app', { code: code(portal) });
    expect(done.location).toBe('/profile');
    const full = client.cookies.get('kw_session');
    expect(full).toBeTruthy();
    expect(full).not.toBe(half);
    const cookieLine = done.res.headers.getSetCookie().find((l) => l.startsWith('kw_session='));
    expect(cookieLine).toMatch(/HttpOnly/);
    expect(cookieLine).toMatch(/SameSite=Lax/);
    expect(client.cookies.get('kw_device')).toBeTruthy();
    const profile = await client.get('/profile');
    expect(profile.text).toContain('Manage FIDO2 Tokens');
    expect(profile.text).toContain('>Sign out</button>');
    expect((await auditEvents(portal, 'alice')).map((e) => e.event)).toEqual([
      'sign_in.password_ok',
      'sign_in.refused',
      'sign_in.success',
    ]);
  });

  it('refuses a replayed code, a wrong code and a malformed code', async () => {
    portal = await startPortal();
    const a = new Client(portal.app);
    await passwordStep(a, 'alice');
    const c = code(portal);
    expect((await a.post('/sign-in/mfa/app', { code: c })).location).toBe('/profile');
    const b = new Client(portal.app);
    await passwordStep(b, 'alice');
    const replay = await b.post('/sign-in/mfa/app', { code: c });
    expect(replay.res.status).toBe(400);
    expect(replay.text).toContain('not right or has already been used');
    const wrong = await b.post('/sign-in/mfa/app', { code: c === '000000' ? '111111' : '000000' });
    expect(wrong.res.status).toBe(400);
    const bad = await b.post('/sign-in/mfa/app', { code: '12ab' });
    expect(bad.text).toContain('Enter the code as 6 digits');
    expect((await b.post('/sign-in/mfa/app', { code: code(portal, 1) })).location).toBe('/profile');
  });

  it('never lets a Local Administrator in on a password alone', async () => {
    // Even where the policy lets accounts without methods in on a password.
    portal = await startPortal({ policy: { signIn: { withoutMethods: 'allowPassword' } } });
    await portal.db.query(
      "INSERT INTO accounts (id, username, display_name, password_hash, roles, created_at) SELECT gen_random_uuid(), 'admin2', 'New Admin', password_hash, '{localAdmin}', now() FROM accounts WHERE username = 'bob'",
    );
    const bob = new Client(portal.app);
    expect(await passwordStep(bob, 'bob')).toBe('/profile');
    const fresh = new Client(portal.app);
    expect(await passwordStep(fresh, 'admin2')).not.toBe('/profile');
    expect((await auditEvents(portal, 'admin2')).find((e) => e.event === 'sign_in.refused')?.reason).toBe(
      'ADMIN_NEEDS_MFA',
    );
    const client = new Client(portal.app);
    expect(await passwordStep(client, 'admin')).toBe('/sign-in/mfa');
    expect((await client.get('/admin/users')).res.headers.get('location')).toBe('/sign-in');
    expect((await client.post('/sign-in/mfa/app', { code: code(portal) })).location).toBe('/profile');
    expect((await client.get('/admin/users')).res.status).toBe(200);
  });

  it('signs out and ends the session', async () => {
    portal = await startPortal();
    const client = new Client(portal.app);
    await passwordStep(client, 'alice');
    await client.post('/sign-in/mfa/app', { code: code(portal) });
    await client.get('/profile');
    const out = await client.post('/sign-out');
    expect(out.location).toBe('/sign-in');
    expect((await client.get('/profile')).res.headers.get('location')).toBe('/sign-in');
    const rows = await portal.db.query('SELECT 1 FROM sessions');
    expect(rows).toHaveLength(0);
  });

  it('approves a push request with number matching on the outbox device', async () => {
    portal = await startPortal();
    const client = new Client(portal.app);
    await passwordStep(client, 'alice');
    await client.get('/sign-in/mfa/other');
    const sent = await client.post('/sign-in/mfa/push');
    const page = await client.follow(sent.location);
    const number = /class="number-match"[^>]*>(\d+)</.exec(page.text)?.[1];
    expect(number).toMatch(/^\d{2}$/);
    const id = sent.location?.split('/').pop() as string;
    expect(portal.sent.at(-1)?.channel).toBe('push');
    expect(portal.sent.at(-1)?.body).not.toContain(number);
    // Not approved yet: continuing says so.
    const early = await client.post(`/sign-in/mfa/push/${id}`);
    expect(early.text).toContain('has not been approved yet');
    // The "phone": a different browser on the outbox page.
    const phone = new Client(portal.app);
    await phone.get('/dev/outbox');
    expect((await phone.post(`/dev/outbox/${id}/approve`, { number: number as string })).location).toBe('/dev/outbox');
    const status = await client.request('GET', `/sign-in/mfa/push/${id}/status`);
    expect(await status.json()).toEqual({ state: 'approved' });
    expect((await client.post(`/sign-in/mfa/push/${id}`)).location).toBe('/profile');
  });

  it('denies a push when the wrong number is entered', async () => {
    portal = await startPortal();
    const client = new Client(portal.app);
    await passwordStep(client, 'alice');
    await client.get('/sign-in/mfa');
    const sent = await client.post('/sign-in/mfa/push');
    const page = await client.follow(sent.location);
    const number = Number(/class="number-match"[^>]*>(\d+)</.exec(page.text)?.[1]);
    const id = sent.location?.split('/').pop() as string;
    const phone = new Client(portal.app);
    await phone.get('/dev/outbox');
    await phone.post(`/dev/outbox/${id}/approve`, { number: String(number === 99 ? 10 : number + 1) });
    expect((await client.post(`/sign-in/mfa/push/${id}`)).location).toBe('/sign-in/mfa');
    expect((await client.get('/profile')).res.headers.get('location')).toBe('/sign-in');
  });
});

describe('first sign-in without a method', () => {
  it('sends bob to enrol an authenticator app, enabled only after a correct code, which signs him in', async () => {
    portal = await startPortal();
    const client = new Client(portal.app);
    expect(await passwordStep(client, 'bob')).toBe('/sign-in/enrol');
    const enrol = await client.get('/sign-in/enrol');
    expect(enrol.text).toContain('Set up an authenticator app');
    const setup = await client.get('/methods/app/new');
    expect(setup.text).toContain('<img class="qr" src="data:image/png;base64,');
    const secret = /class="secret">([A-Z2-7 ]+)</.exec(setup.text)?.[1]?.replace(/ /g, '') as string;
    const challengeId = /name="challengeId" value="([^"]+)"/.exec(setup.text)?.[1] as string;
    const wrong = await client.post('/methods/app/verify', {
      challengeId,
      code: '000000' === generateTotp({ secret, timestamp: portal.clock.now.getTime() }) ? '111111' : '000000',
    });
    expect(wrong.res.status).toBe(400);
    expect(
      await portal.db.query(
        "SELECT 1 FROM methods WHERE kind = 'authenticatorApp' AND account_id = (SELECT id FROM accounts WHERE username = 'bob')",
      ),
    ).toHaveLength(0);
    const ok = await client.post('/methods/app/verify', {
      challengeId,
      code: generateTotp({ secret, timestamp: portal.clock.now.getTime() }),
    });
    expect(ok.location).toBe('/profile');
    expect((await client.get('/profile')).res.status).toBe(200);
    // The same enrolment cannot be completed twice.
    const again = await client.post('/methods/app/verify', {
      challengeId,
      code: generateTotp({ secret, timestamp: portal.clock.now.getTime() + 30_000 }),
    });
    expect(again.location).toBe('/methods/app/new');
  });

  it('enrols a phone by SMS during sign-in, then signs in next time with a texted code', async () => {
    portal = await startPortal();
    const client = new Client(portal.app);
    await passwordStep(client, 'bob');
    await client.get('/methods/phone/new?kind=sms');
    const bad = await client.post('/methods/phone/new', { kind: 'sms', replace: '', phone: '12' });
    expect(bad.text).toContain('Enter a phone number, like');
    const sent = await client.post('/methods/phone/new', { kind: 'sms', replace: '', phone: '07700 900982' });
    expect(sent.location).toMatch(/^\/methods\/phone\/verify\//);
    const msg = portal.sent.at(-1);
    expect(msg?.channel).toBe('sms');
    expect(msg?.recipient).toBe('+447700900982');
    const smsCode = /(\d{6})/.exec(msg?.body ?? '')?.[1] as string;
    await client.get(sent.location as string);
    expect((await client.post(sent.location as string, { code: smsCode })).location).toBe('/profile');
    await client.post('/sign-out');

    const next = new Client(portal.app);
    expect(await passwordStep(next, 'bob')).toBe('/sign-in/mfa');
    const page = await next.get('/sign-in/mfa');
    expect(page.text).toContain('Text ••• 0982');
    const methodId = /name="methodId" value="([^"]+)"/.exec(page.text)?.[1] as string;
    const sent2 = await next.post('/sign-in/mfa/send', { methodId, channel: 'sms' });
    const code2 = /(\d{6})/.exec(portal.sent.at(-1)?.body ?? '')?.[1] as string;
    await next.get(sent2.location as string);
    const wrong = await next.post(sent2.location as string, { code: code2 === '000000' ? '111111' : '000000' });
    expect(wrong.text).toContain('not right or has expired');
    expect((await next.post(sent2.location as string, { code: code2 })).location).toBe('/profile');
    // Single use.
    const other = new Client(portal.app);
    await passwordStep(other, 'bob');
    await other.get('/sign-in/mfa');
    expect((await other.post(sent2.location as string, { code: code2 })).location).toBe('/sign-in/mfa');
    expect((await other.get('/profile')).res.headers.get('location')).toBe('/sign-in');
  });
});

describe('risk signals', () => {
  it('feeds new devices and unusual networks to the policy', async () => {
    portal = await startPortal({
      policy: { signIn: { withoutMethods: 'allowPassword', unusualLocation: 'requireMfa' } },
    });
    const home = new Client(portal.app);
    expect(await passwordStep(home, 'bob')).toBe('/profile');
    const away = new Client(portal.app);
    away.ip = '203.0.113.9';
    expect(await passwordStep(away, 'bob')).not.toBe('/profile');
    const rows = await portal.db.query<{ detail: { newDevice: boolean; unusualLocation: boolean } }>(
      "SELECT detail FROM audit_log WHERE event = 'sign_in.password_ok' ORDER BY id",
    );
    expect(rows.map((r) => r.detail)).toEqual([
      { newDevice: true, unusualLocation: false },
      { newDevice: true, unusualLocation: true },
    ]);
    // The same browser again is a known device.
    await home.post('/sign-out');
    await passwordStep(home, 'bob');
    const last = await portal.db.query<{ detail: { newDevice: boolean } }>(
      "SELECT detail FROM audit_log WHERE event = 'sign_in.password_ok' ORDER BY id DESC LIMIT 1",
    );
    expect(last[0]?.detail.newDevice).toBe(false);
  });
});
