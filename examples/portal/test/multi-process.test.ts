// Two portal instances on one database, as two processes behind a load balancer would be: on
// PostgreSQL (two connection pools on one schema) when DATABASE_URL is set, else one PGlite.
import { randomBytes } from 'node:crypto';
import {
  Ctap2Client,
  createCredential,
  getCredential,
  MemoryHidTransport,
  VirtualAuthenticator,
} from '@keyward/ctap2-hid';
import { generateTotp } from '@keyward/totp';
import { afterAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../src/db/database.ts';
import { DEMO_TOTP_SECRET } from '../src/db/seed.ts';
import { Client, ORIGIN, passwordStep, startPortal, type TestPortal } from './helpers.ts';

type CreationJSON = Parameters<typeof createCredential>[1];
type RequestJSON = Parameters<typeof getCredential>[1];
const url = process.env.DATABASE_URL;
const schema = `portal_multi_${randomBytes(6).toString('hex')}`;
const dbs: Database[] = [];
const portals: TestPortal[] = [];
let key: Ctap2Client | undefined;

afterAll(async () => {
  await key?.close();
  if (url && dbs[0]) await dbs[0].query(`DROP SCHEMA ${schema} CASCADE`);
  for (const db of dbs) await db.close();
});

async function twoPortals(): Promise<[TestPortal, TestPortal]> {
  const first = await openDatabase(url ? { url, schema } : {});
  const second = url ? await openDatabase({ url, schema }) : first;
  dbs.push(first);
  if (second !== first) dbs.push(second);
  const a = await startPortal({}, { db: first });
  const b = await startPortal({}, { db: second, seed: false });
  b.clock.now = a.clock.now;
  portals.push(a, b);
  return [a, b];
}

describe(`two portal instances on one ${url ? 'PostgreSQL' : 'PGlite'} database`, () => {
  it('shares challenges, keys, removals, sessions and rate limits', async () => {
    const [a, b] = await twoPortals();
    const device = new VirtualAuthenticator();
    key = await Ctap2Client.open(new MemoryHidTransport(device));
    await key.clientPin.setPin('1234');

    // Sign in on A, register a key with options from A and the response posted to B.
    const alice = new Client(a.app);
    await passwordStep(alice, 'alice');
    await alice.post('/sign-in/mfa/app', {
      code: generateTotp({ secret: DEMO_TOTP_SECRET, timestamp: a.clock.now.getTime() }),
    });
    await alice.get('/tokens');
    const options = (await (await alice.request('POST', '/tokens/options', { json: {} })).json()) as CreationJSON;
    const created = await createCredential(key, options, { origin: ORIGIN, pin: '1234' });
    alice.app = b.app;
    const reg = await alice.post('/tokens/register', { response: JSON.stringify(created) });
    expect(reg.location).toMatch(/\/edit\?new=1$/);
    await alice.get(reg.location as string);
    expect((await alice.post(reg.location as string, { nickname: 'Shared key' })).location).toBe('/tokens');

    // Sign in with it through A (options) and B (assertion).
    const again = new Client(a.app);
    await passwordStep(again, 'alice');
    await again.get('/sign-in/mfa/key');
    const req = (await (await again.request('POST', '/sign-in/mfa/key/options', { json: {} })).json()) as RequestJSON;
    const assertion = JSON.stringify(await getCredential(key, req, { origin: ORIGIN, pin: '1234' }));
    again.app = b.app;
    expect((await again.post('/sign-in/mfa/key', { methodId: '', response: assertion })).location).toBe('/profile');
    // The same assertion replayed on A: the challenge is gone.
    again.app = a.app;
    const thief = new Client(a.app);
    await passwordStep(thief, 'alice');
    expect((await thief.post('/sign-in/mfa/key', { methodId: '', response: assertion })).res.status).toBe(400);

    // Remove on B; the next sign-in on A no longer offers or accepts it.
    const tokens = await again.get('/tokens');
    const id = /href="\/tokens\/([^/]+)\/remove"/.exec(tokens.text)?.[1] as string;
    again.app = b.app;
    await again.get(`/tokens/${id}/remove`);
    expect((await again.post(`/tokens/${id}/remove`)).location).toBe('/tokens');
    const later = new Client(a.app);
    await passwordStep(later, 'alice');
    expect((await later.request('POST', '/sign-in/mfa/key/options', { json: {} })).status).toBe(400);

    // Rate limits hold across both.
    const bob = new Client(a.app);
    await bob.get('/sign-in');
    for (let i = 0; i < 10; i++) {
      bob.app = i % 2 ? a.app : b.app;
      expect((await bob.post('/sign-in', { username: 'bob', password: 'wrong' })).res.status).toBe(401);
    }
    bob.app = a.app;
    expect((await bob.post('/sign-in', { username: 'bob', password: 'keyward-demo' })).res.status).toBe(429);
  });
});
