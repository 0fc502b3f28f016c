import { generateTotp } from '@keyward/totp';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_TOTP_SECRET } from '../src/db/seed.ts';
import { Client, passwordStep, startPortal, type TestPortal } from './helpers.ts';

let portal: TestPortal;
afterEach(async () => portal?.close());

describe('smoke', () => {
  it('alice signs in with password and TOTP', async () => {
    portal = await startPortal();
    const client = new Client(portal.app);
    const loc = await passwordStep(client, 'alice');
    expect(loc).toBe('/sign-in/mfa');
    const page = await client.get('/sign-in/mfa');
    expect(page.text).toContain('Verify it');
    const code = generateTotp({ secret: DEMO_TOTP_SECRET, timestamp: portal.clock.now.getTime() });
    const r = await client.post('/sign-in/mfa/app', { code });
    expect(r.location).toBe('/profile');
    const profile = await client.get('/profile');
    expect(profile.text).toContain('Manage FIDO2 Tokens');
  });
});
