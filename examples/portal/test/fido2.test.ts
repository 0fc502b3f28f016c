// Node end to end: @keyward/ctap2-hid's driver talks CTAPHID to a VirtualAuthenticator (in
// memory), and the portal is driven over HTTP like a browser would, without a browser.
import {
  Ctap2Client,
  createCredential,
  getCredential,
  MemoryHidTransport,
  VirtualAuthenticator,
} from '@keyward/ctap2-hid';
import { generateTotp } from '@keyward/totp';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_TOTP_SECRET } from '../src/db/seed.ts';
import { Client, ORIGIN, passwordStep, startPortal, type TestPortal } from './helpers.ts';

const PIN = '1234';
type CreationJSON = Parameters<typeof createCredential>[1];
type RequestJSON = Parameters<typeof getCredential>[1];
let portal: TestPortal;
const keys: Ctap2Client[] = [];
afterEach(async () => {
  for (const k of keys.splice(0)) await k.close();
  await portal?.close();
});

async function newKey(): Promise<Ctap2Client> {
  const device = new VirtualAuthenticator();
  const ctap = await Ctap2Client.open(new MemoryHidTransport(device));
  await ctap.clientPin.setPin(PIN);
  keys.push(ctap);
  return ctap;
}

async function signInWithApp(p: TestPortal, username: string, step = 0): Promise<Client> {
  const client = new Client(p.app);
  expect(await passwordStep(client, username)).toBe('/sign-in/mfa');
  const res = await client.post('/sign-in/mfa/app', {
    code: generateTotp({ secret: DEMO_TOTP_SECRET, timestamp: p.clock.now.getTime() + step * 30_000 }),
  });
  expect(res.location, res.text.slice(0, 3000)).toBe('/profile');
  await client.get('/profile');
  return client;
}

/** Register New Token, then the nickname page; returns the new method id. */
async function registerKey(client: Client, ctap: Ctap2Client, base: string, nickname: string): Promise<string> {
  await client.get(base);
  const options = (await (await client.request('POST', `${base}/options`, { json: {} })).json()) as CreationJSON;
  expect(options.authenticatorSelection?.userVerification).toBe('required');
  const response = await createCredential(ctap, options, { origin: ORIGIN, pin: PIN });
  const done = await client.post(`${base}/register`, { response: JSON.stringify(response) });
  expect(done.location).toMatch(/\/edit\?new=1$/);
  const id = done.location?.split('/').at(-2) as string;
  await client.get(done.location as string);
  const saved = await client.post(done.location as string, { nickname });
  expect(saved.location).toBe(base);
  return id;
}

/** The key step of sign-in: options for one key, the key's assertion, the form post. */
async function keyAssertion(
  client: Client,
  ctap: Ctap2Client,
  nickname?: string,
): Promise<{ methodId: string; response: string }> {
  const page = await client.get('/sign-in/mfa/key');
  const forms = [
    ...page.text.matchAll(
      /name="methodId" value="([^"]+)"[\s\S]*?<button type="submit" class="button">([^<]+)<\/button>/g,
    ),
  ];
  const chosen = nickname ? forms.find((f) => f[2] === nickname) : forms[0];
  const methodId = chosen?.[1] ?? 'none';
  const res = await client.request('POST', '/sign-in/mfa/key/options', { json: { methodId } });
  const options = (await res.json()) as RequestJSON;
  const response = await getCredential(ctap, options, { origin: ORIGIN, pin: PIN });
  return { methodId, response: JSON.stringify(response) };
}

describe('FIDO2 tokens over CTAPHID (no browser)', () => {
  it('registers a key with a nickname, signs in with it, renames it, removes it; then it no longer works', async () => {
    portal = await startPortal();
    const ctap = await newKey();
    const alice = await signInWithApp(portal, 'alice');
    const list0 = await alice.get('/tokens');
    expect(list0.text).toContain('>Register New Token</button>');

    // Nickname validation on the page that follows registration.
    await alice.get('/tokens');
    const options = (await (await alice.request('POST', '/tokens/options', { json: {} })).json()) as CreationJSON;
    const created = await createCredential(ctap, options, { origin: ORIGIN, pin: PIN });
    const reg = await alice.post('/tokens/register', { response: JSON.stringify(created) });
    const edit = reg.location as string;
    await alice.get(edit);
    expect((await alice.post(edit, { nickname: '  ' })).text).toContain('Enter a nickname for your security key');
    expect((await alice.post(edit, { nickname: 'x'.repeat(31) })).text).toContain('30 characters or fewer');
    expect((await alice.post(edit, { nickname: '<script>' })).text).toContain('can only include letters');
    expect((await alice.post(edit, { nickname: 'Blue key' })).location).toBe('/tokens');
    const list = await alice.get('/tokens');
    expect(list.text).toContain('<td>Blue key</td>');
    expect(list.text).toContain('Your security key has been registered.');
    // The same key again is refused by the key itself (excludeCredentials).
    const again = (await (await alice.request('POST', '/tokens/options', { json: {} })).json()) as CreationJSON;
    await expect(createCredential(ctap, again, { origin: ORIGIN, pin: PIN })).rejects.toMatchObject({
      code: 'CTAP2_ERR_CREDENTIAL_EXCLUDED',
    });
    await alice.post('/sign-out');

    // Sign in with the key (user verification: the PIN).
    const next = new Client(portal.app);
    expect(await passwordStep(next, 'alice')).toBe('/sign-in/mfa');
    const mfa = await next.get('/sign-in/mfa');
    expect(mfa.text).toContain('Sign in using a FIDO2 security key');
    const a1 = await keyAssertion(next, ctap, 'Blue key');
    expect((await next.post('/sign-in/mfa/key', { methodId: a1.methodId, response: a1.response })).location).toBe(
      '/profile',
    );
    await next.get('/tokens');
    const used = await portal.db.query<{ last_used_at: Date | null; sign_count: string }>(
      "SELECT last_used_at, sign_count FROM methods WHERE kind = 'fido2'",
    );
    expect(used[0]?.last_used_at).not.toBeNull();

    // Edit -> Nickname -> Save Changes.
    const keyId = /href="\/tokens\/([^/]+)\/edit"/.exec((await next.get('/tokens')).text)?.[1] as string;
    const editPage = await next.get(`/tokens/${keyId}/edit`);
    expect(editPage.text).toContain('<label for="nickname">Nickname</label>');
    expect(editPage.text).toContain('>Save Changes</button>');
    expect((await next.post(`/tokens/${keyId}/edit`, { nickname: 'Keyring key' })).location).toBe('/tokens');
    expect((await next.get('/tokens')).text).toContain('<td>Keyring key</td>');

    // Remove, with a confirmation page first.
    const confirm = await next.get(`/tokens/${keyId}/remove`);
    expect(confirm.text).toContain('Remove Keyring key?');
    expect(confirm.text).toContain('>Remove</button>');
    expect((await next.post(`/tokens/${keyId}/remove`)).location).toBe('/tokens');
    // The open session lasts until the next sign-in...
    expect((await next.get('/profile')).res.status).toBe(200);
    // ...but the key no longer signs anyone in.
    const later = new Client(portal.app);
    await passwordStep(later, 'alice');
    const page = await later.get('/sign-in/mfa/key');
    expect(page.text).not.toContain('Keyring key');
    const opts = await later.request('POST', '/sign-in/mfa/key/options', { json: {} });
    expect(opts.status).toBe(400);
    // An assertion made for the removed key (allowCredentials taken from before) is refused.
    await later.get('/sign-in/mfa');
    const forged = await later.post('/sign-in/mfa/key', { methodId: keyId, response: a1.response });
    expect(forged.res.status).toBe(400);
    expect((await later.get('/profile')).res.headers.get('location')).toBe('/sign-in');
  });

  it('uses each assertion once: a replay, and concurrent replays, give exactly one sign-in', async () => {
    portal = await startPortal();
    const ctap = await newKey();
    const alice = await signInWithApp(portal, 'alice');
    await registerKey(alice, ctap, '/tokens', 'Blue key');
    const c = new Client(portal.app);
    await passwordStep(c, 'alice');
    const { methodId, response } = await keyAssertion(c, ctap);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => c.request('POST', '/sign-in/mfa/key', { form: { methodId, response } })),
    );
    expect(results.filter((r) => r.headers.get('location') === '/profile')).toHaveLength(1);
    // Each loser either reached the claim and found the challenge taken (refused and audited), or
    // arrived once the winner had replaced the half-signed-in session, so its form (bound to that
    // session) has expired.
    const refused = results.filter((r) => r.status === 400);
    const expired = results.filter((r) => r.status === 403);
    expect(refused.length + expired.length).toBe(4);
    const audit = await portal.db.query<{ reason: string }>(
      "SELECT reason FROM audit_log WHERE event = 'sign_in.key_failed'",
    );
    expect(audit.map((a) => a.reason)).toEqual(refused.map(() => 'CHALLENGE_NOT_FOUND'));
    // And a replay after the race is refused the same way, whichever way it ends.
    const late = await c.request('POST', '/sign-in/mfa/key', { form: { methodId, response } });
    expect(late.headers.get('location')).not.toBe('/profile');
  });

  it('refuses an assertion for another session, a wrong origin, and a response without JavaScript', async () => {
    portal = await startPortal();
    const ctap = await newKey();
    const alice = await signInWithApp(portal, 'alice');
    await registerKey(alice, ctap, '/tokens', 'Blue key');
    const one = new Client(portal.app);
    await passwordStep(one, 'alice');
    const { methodId, response } = await keyAssertion(one, ctap);
    const two = new Client(portal.app);
    await passwordStep(two, 'alice');
    await two.get('/sign-in/mfa');
    expect((await two.post('/sign-in/mfa/key', { methodId, response })).res.status).toBe(400);

    await one.get('/sign-in/mfa/key');
    const options = (await (
      await one.request('POST', '/sign-in/mfa/key/options', { json: { methodId } })
    ).json()) as RequestJSON;
    const phished = await getCredential(ctap, options, { origin: 'http://localhost:3001', pin: PIN });
    const bad = await one.post('/sign-in/mfa/key', { methodId, response: JSON.stringify(phished) });
    expect(bad.res.status).toBe(400);
    expect(bad.text).toContain('That security key could not be used');
    const reasons = await portal.db.query<{ reason: string }>(
      "SELECT reason FROM audit_log WHERE event = 'sign_in.key_failed' ORDER BY id",
    );
    expect(reasons.map((r) => r.reason)).toEqual(['CHALLENGE_NOT_FOUND', 'ERR_ORIGIN_MISMATCH']);
    const noJs = await one.post('/sign-in/mfa/key', { methodId, response: '' });
    expect(noJs.text).toContain('need JavaScript');
  });

  it('an administrator registers a key for alice, who then signs in with it', async () => {
    portal = await startPortal();
    const ctap = await newKey();
    const admin = await signInWithApp(portal, 'admin');
    const search = await admin.get('/admin/users?q=ali');
    expect(search.text).toContain('User Management');
    const aliceId = /href="\/admin\/users\/([^"]+)">alice</.exec(search.text)?.[1] as string;
    const detail = await admin.get(`/admin/users/${aliceId}`);
    expect(detail.text).toContain('Manage FIDO2 Tokens');
    await registerKey(admin, ctap, `/admin/users/${aliceId}/tokens`, 'Issued key');
    const log = await admin.get(`/admin/users/${aliceId}`);
    expect(log.text).toContain('fido2.registered_on_behalf');
    expect(log.text).toMatch(/fido2\.registered_on_behalf<\/td><td>admin</);

    const alice = new Client(portal.app);
    await passwordStep(alice, 'alice');
    const a = await keyAssertion(alice, ctap, 'Issued key');
    expect((await alice.post('/sign-in/mfa/key', a)).location).toBe('/profile');
  });

  it('a key does not pass MFA for an account with no core method (bob)', async () => {
    portal = await startPortal();
    const ctap = await newKey();
    const admin = await signInWithApp(portal, 'admin');
    const bobId = /href="\/admin\/users\/([^"]+)">bob</.exec(
      (await admin.get('/admin/users?q=bob')).text,
    )?.[1] as string;
    await registerKey(admin, ctap, `/admin/users/${bobId}/tokens`, 'Bob key');

    const bob = new Client(portal.app);
    expect(await passwordStep(bob, 'bob')).toBe('/sign-in/mfa');
    const prompt = await bob.get('/sign-in/mfa');
    expect(prompt.text).toContain('A security key counts only once');
    expect(prompt.text).toContain('Local Administrator');
    const a = await keyAssertion(bob, ctap, 'Bob key');
    const refused = await bob.post('/sign-in/mfa/key', a);
    expect(refused.res.status).toBe(403);
    expect(refused.text).toContain('A security key counts only once');
    expect((await bob.get('/profile')).res.headers.get('location')).toBe('/sign-in');
    const rows = await portal.db.query<{ reason: string }>(
      "SELECT reason FROM audit_log WHERE event = 'sign_in.refused' AND account_id = $1 ORDER BY id DESC LIMIT 1",
      [bobId],
    );
    expect(rows[0]?.reason).toBe('BYPASS_NEEDS_CORE');
  });

  it('removal goes through the policy: a holder cannot remove the only core method while a key depends on it', async () => {
    portal = await startPortal();
    const ctap = await newKey();
    const alice = await signInWithApp(portal, 'alice');
    await registerKey(alice, ctap, '/tokens', 'Blue key');
    const methods = await alice.get('/methods');
    const appId = /href="\/methods\/([^/]+)\/remove"/.exec(methods.text)?.[1] as string;
    const confirm = await alice.get(`/methods/${appId}/remove`);
    expect(confirm.res.status).toBe(403);
    const post = await alice.post(`/methods/${appId}/remove`);
    expect(post.res.status).toBe(403);
    const rows = await portal.db.query<{ reason: string }>(
      "SELECT reason FROM audit_log WHERE event = 'method.remove_refused'",
    );
    expect(rows[0]?.reason).toBe('BYPASS_WITHOUT_CORE');
    expect(
      await portal.db.query("SELECT 1 FROM methods WHERE kind = 'authenticatorApp' AND id = $1", [appId]),
    ).toHaveLength(1);
  });

  it("an administrator renames and removes a user's key; the holder is told nothing changes for open sessions", async () => {
    portal = await startPortal();
    const ctap = await newKey();
    const admin = await signInWithApp(portal, 'admin');
    const aliceId = /href="\/admin\/users\/([^"]+)">alice</.exec(
      (await admin.get('/admin/users?q=alice')).text,
    )?.[1] as string;
    const base = `/admin/users/${aliceId}/tokens`;
    const id = await registerKey(admin, ctap, base, 'Issued key');
    await admin.get(`${base}/${id}/edit`);
    expect((await admin.post(`${base}/${id}/edit`, { nickname: '' })).res.status).toBe(400);
    expect((await admin.post(`${base}/${id}/edit`, { nickname: 'Reissued key' })).location).toBe(base);
    expect((await admin.get(base)).text).toContain('<td>Reissued key</td>');
    const confirm = await admin.get(`${base}/${id}/remove`);
    expect(confirm.text).toContain('Remove Reissued key?');
    expect((await admin.post(`${base}/${id}/remove`)).location).toBe(base);
    const events = await portal.db.query<{ event: string; actor: string }>(
      'SELECT l.event, a.username AS actor FROM audit_log l JOIN accounts a ON a.id = l.actor_id WHERE l.account_id = $1 ORDER BY l.id',
      [aliceId],
    );
    expect(events.filter((e) => e.event.startsWith('fido2.'))).toEqual([
      { event: 'fido2.registered_on_behalf', actor: 'admin' },
      { event: 'fido2.renamed', actor: 'admin' },
      { event: 'fido2.renamed', actor: 'admin' },
      { event: 'fido2.removed', actor: 'admin' },
    ]);
    // A key id from another account is not found under this user.
    expect((await admin.get(`${base}/00000000-0000-0000-0000-000000000000/edit`)).res.status).toBe(404);
  });

  it('with removal.sessions = revoke in the policy, removing a key signs the holder out everywhere', async () => {
    portal = await startPortal({ policy: { removal: { sessions: 'revoke' } } });
    const ctap = await newKey();
    const alice = await signInWithApp(portal, 'alice');
    const id = await registerKey(alice, ctap, '/tokens', 'Blue key');
    const elsewhere = await signInWithApp(portal, 'alice', 1);
    const confirm = await alice.get(`/tokens/${id}/remove`);
    expect(confirm.text).toContain('signed out everywhere');
    expect((await alice.post(`/tokens/${id}/remove`)).location).toBe('/sign-in');
    expect((await elsewhere.get('/profile')).res.headers.get('location')).toBe('/sign-in');
  });
});
