import { generateTotp } from '@keyward/totp';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_TOTP_SECRET } from '../src/db/seed.ts';
import { normalisePhone } from '../src/routes/methods.ts';
import { validateNickname } from '../src/routes/tokens.ts';
import { KnownNetworks } from '../src/security/networks.ts';
import { Client, passwordStep, startPortal, type TestPortal } from './helpers.ts';

let portal: TestPortal;
afterEach(async () => portal?.close());

async function signedIn(p: TestPortal, username: string, step = 0): Promise<Client> {
  const client = new Client(p.app);
  await passwordStep(client, username);
  const res = await client.post('/sign-in/mfa/app', {
    code: generateTotp({ secret: DEMO_TOTP_SECRET, timestamp: p.clock.now.getTime() + step * 30_000 }),
  });
  expect(res.location).toBe('/profile');
  await client.get('/profile');
  return client;
}

function lastCode(p: TestPortal): string {
  return /(\d{6})/.exec(p.sent.at(-1)?.body ?? '')?.[1] as string;
}

describe('security info', () => {
  it('adds a mobile number and an alternate phone, changes the number only once the new one is verified, and changes the default', async () => {
    portal = await startPortal();
    const alice = await signedIn(portal, 'alice');
    await alice.get('/methods/phone/new?kind=sms');
    const sent = await alice.post('/methods/phone/new', { kind: 'sms', replace: '', phone: '+44 7700 900111' });
    await alice.get(sent.location as string);
    expect((await alice.post(sent.location as string, { code: lastCode(portal) })).location).toBe('/methods');
    await alice.get('/methods/phone/new?kind=alternatePhone');
    const alt = await alice.post('/methods/phone/new', {
      kind: 'alternatePhone',
      replace: '',
      phone: '+44 20 7946 0000',
    });
    expect(portal.sent.at(-1)?.channel).toBe('voice');
    await alice.get(alt.location as string);
    await alice.post(alt.location as string, { code: lastCode(portal) });
    const page = await alice.get('/methods');
    expect(page.text).toContain('Mobile phone (text message) ending 0111');
    expect(page.text).toContain('Alternate phone (voice call) ending 0000');

    // Change the mobile number: the old one stays until the new one is verified.
    const smsId = /kind=sms&amp;replace=([0-9a-f-]{36})">Change/.exec(page.text)?.[1] as string;
    await alice.get(`/methods/phone/new?kind=sms&replace=${smsId}`);
    const change = await alice.post('/methods/phone/new', { kind: 'sms', replace: smsId, phone: '07700 900222' });
    expect(
      (await portal.db.query<{ phone: string }>('SELECT phone FROM methods WHERE id = $1', [smsId]))[0]?.phone,
    ).toBe('+447700900111');
    await alice.get(change.location as string);
    expect(
      (await alice.post(change.location as string, { code: lastCode(portal) === '000000' ? '111111' : '000000' })).res
        .status,
    ).toBe(400);
    expect(
      (await portal.db.query<{ phone: string }>('SELECT phone FROM methods WHERE id = $1', [smsId]))[0]?.phone,
    ).toBe('+447700900111');
    await alice.post(change.location as string, { code: lastCode(portal) });
    expect(
      (await portal.db.query<{ phone: string }>('SELECT phone FROM methods WHERE id = $1', [smsId]))[0]?.phone,
    ).toBe('+447700900222');

    // Default method.
    await alice.get('/methods');
    expect((await alice.post(`/methods/${smsId}/default`)).location).toBe('/methods');
    expect((await alice.get('/methods')).text).toMatch(/ending 0222 <span class="tag tag-green">Default/);
    await alice.post('/sign-out');
    const next = new Client(portal.app);
    await passwordStep(next, 'alice');
    expect((await next.get('/sign-in/mfa')).text).toContain('Text ••• 0222');
  });

  it('refuses the same phone number twice (policy: duplicate)', async () => {
    portal = await startPortal();
    const alice = await signedIn(portal, 'alice');
    await alice.get('/methods/phone/new?kind=sms');
    const s1 = await alice.post('/methods/phone/new', { kind: 'sms', replace: '', phone: '07700900333' });
    await alice.get(s1.location as string);
    await alice.post(s1.location as string, { code: lastCode(portal) });
    await alice.get('/methods/phone/new?kind=sms');
    const dup = await alice.post('/methods/phone/new', { kind: 'sms', replace: '', phone: '+447700900333' });
    expect(dup.res.status).toBe(400);
  });

  it('removes a method through the policy, and a Local Administrator may remove what a holder may not', async () => {
    portal = await startPortal();
    const alice = await signedIn(portal, 'alice');
    const appId = /href="\/methods\/([^/]+)\/remove"/.exec((await alice.get('/methods')).text)?.[1] as string;
    // Her only method: refused for the holder.
    const refused = await alice.get(`/methods/${appId}/remove`);
    expect(refused.res.status).toBe(403);
    const admin = await signedIn(portal, 'admin');
    const aliceId = (await portal.db.query<{ id: string }>("SELECT id FROM accounts WHERE username = 'alice'"))[0]
      ?.id as string;
    const confirm = await admin.get(`/admin/users/${aliceId}/methods/${appId}/remove`);
    expect(confirm.res.status).toBe(200);
    expect((await admin.post(`/admin/users/${aliceId}/methods/${appId}/remove`)).location).toBe(
      `/admin/users/${aliceId}/methods`,
    );
    const log = await portal.db.query<{ event: string; actor_id: string }>(
      "SELECT event, actor_id FROM audit_log WHERE event = 'method.removed'",
    );
    expect(log).toHaveLength(1);
    // alice's open session lasts until her next sign-in.
    expect((await alice.get('/profile')).res.status).toBe(200);
  });

  it('keeps non-administrators out of User Management', async () => {
    portal = await startPortal();
    const alice = await signedIn(portal, 'alice');
    expect((await alice.get('/admin/users')).res.status).toBe(403);
    const bobId = (await portal.db.query<{ id: string }>("SELECT id FROM accounts WHERE username = 'bob'"))[0]
      ?.id as string;
    expect((await alice.get(`/admin/users/${bobId}/tokens`)).res.status).toBe(403);
    const admin = await signedIn(portal, 'admin');
    expect((await admin.get('/admin/users/00000000-0000-0000-0000-000000000000')).res.status).toBe(404);
    expect((await admin.get(`/admin/users/${bobId}/methods/app/new`)).res.status).toBe(404);
    const search = await admin.get('/admin/users?q=%25');
    expect(search.text).toContain('(0)');
  });
});

describe('pages', () => {
  it('hides the developer outbox outside demo mode and answers unknown pages with a calm 404', async () => {
    portal = await startPortal({ demo: false });
    const client = new Client(portal.app);
    expect((await client.get('/dev/outbox')).res.status).toBe(404);
    const missing = await client.get('/nowhere');
    expect(missing.res.status).toBe(404);
    expect(missing.text).toContain('Page not found');
    expect((await client.get('/sign-in')).text).not.toContain('developer outbox');
  });

  it('refuses oversized bodies', async () => {
    portal = await startPortal();
    const client = new Client(portal.app);
    await client.get('/sign-in');
    const res = await client.request('POST', '/sign-in', {
      form: { username: 'alice', password: 'x'.repeat(200 * 1024) },
    });
    expect(res.status).toBe(413);
  });
});

describe('app passwords', () => {
  it('creates one (shown once, stored hashed), accepts it from a legacy client, and refuses it once revoked', async () => {
    portal = await startPortal();
    const alice = await signedIn(portal, 'alice');
    await alice.get('/app-passwords');
    expect((await alice.post('/app-passwords', { name: '' })).text).toContain('Enter a name for the app password');
    const created = await alice.post('/app-passwords', { name: 'Old mail app' });
    const password = /id="app-password">([a-z0-9-]+)</.exec(created.text)?.[1] as string;
    expect(password).toMatch(/^[a-z0-9]{4}(-[a-z0-9]{4}){3}$/);
    const stored = await portal.db.query<{ hash: string }>('SELECT hash FROM app_passwords');
    expect(stored[0]?.hash).not.toContain(password.replace(/-/g, ''));
    expect((await alice.get('/app-passwords')).text).not.toContain(password);

    const basic = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
    const ok = await alice.request('POST', '/legacy/authenticate', { headers: basic('alice', password) });
    expect(ok.status).toBe(200);
    // The account password is not an app password.
    expect(
      (await alice.request('POST', '/legacy/authenticate', { headers: basic('alice', 'keyward-demo') })).status,
    ).toBe(401);
    expect((await alice.request('POST', '/legacy/authenticate', { headers: basic('nobody', password) })).status).toBe(
      401,
    );

    const id = /action="\/app-passwords\/([^/]+)\/revoke"/.exec(
      (await alice.get('/app-passwords')).text,
    )?.[1] as string;
    expect((await alice.post(`/app-passwords/${id}/revoke`)).location).toBe('/app-passwords');
    expect((await alice.request('POST', '/legacy/authenticate', { headers: basic('alice', password) })).status).toBe(
      401,
    );
  });

  it('refuses app passwords where the policy does not allow legacy clients', async () => {
    portal = await startPortal({ policy: {} });
    const alice = await signedIn(portal, 'alice');
    const page = await alice.get('/app-passwords');
    // Creation may be allowed, but the legacy client is refused by the policy.
    await portal.db.query(
      "INSERT INTO app_passwords (id, account_id, name, hash, created_at) SELECT gen_random_uuid(), id, 'x', 'h', now() FROM accounts WHERE username = 'alice'",
    );
    expect(page.res.status).toBe(200);
    const res = await alice.request('POST', '/legacy/authenticate', {
      headers: { authorization: `Basic ${Buffer.from('alice:abcd-efgh-ijkm-npqr').toString('base64')}` },
    });
    expect(res.status).toBe(401);
    const hashRow = await portal.db.query<{ id: string }>("SELECT id FROM app_passwords WHERE name = 'x'");
    expect(hashRow).toHaveLength(1);
    const decision = portal.services.policy.evaluateSignIn(
      {
        id: 'a',
        roles: [],
        methods: [
          { id: 'p', kind: 'appPassword' },
          { id: 'm', kind: 'authenticatorApp' },
        ],
      },
      { factors: [{ kind: 'appPassword', methodId: 'p' }], context: { client: 'legacy' } },
    );
    expect(decision.reason).toBe('LEGACY_CLIENT_BLOCKED');
  });
});

describe('helpers', () => {
  it('normalises phone numbers to E.164', () => {
    expect(normalisePhone('07700 900982')).toBe('+447700900982');
    expect(normalisePhone('0033 1 23 45 67 89')).toBe('+33123456789');
    expect(normalisePhone('+1 (415) 555-0100')).toBe('+14155550100');
    expect(normalisePhone('12')).toBeUndefined();
    expect(normalisePhone('+0123456789')).toBeUndefined();
  });

  it('validates nicknames', () => {
    expect(validateNickname('Blue key', [])).toBeUndefined();
    expect(validateNickname('', [])).toMatch(/Enter a nickname/);
    expect(validateNickname('blue KEY', ['Blue key'])).toMatch(/already have/);
    expect(validateNickname('a'.repeat(31), [])).toMatch(/30 characters/);
    expect(validateNickname('<b>', [])).toMatch(/can only include/);
  });

  it('matches known networks in IPv4 and IPv6', () => {
    const n = new KnownNetworks(['10.0.0.0/8', '192.168.1.0/24', '::1/128', '2001:db8::/32']);
    expect(n.contains('10.1.2.3')).toBe(true);
    expect(n.contains('::ffff:10.1.2.3')).toBe(true);
    expect(n.contains('192.168.2.1')).toBe(false);
    expect(n.contains('::1')).toBe(true);
    expect(n.contains('2001:db8:1::5')).toBe(true);
    expect(n.contains('2001:db9::5')).toBe(false);
    expect(n.contains('not-an-ip')).toBe(false);
    expect(() => new KnownNetworks(['10.0.0.0/33'])).toThrow(/bad prefix/);
  });
});
