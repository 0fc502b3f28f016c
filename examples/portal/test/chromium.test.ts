// End to end in real Chromium (Debian's /usr/bin/chromium through playwright-core) with the
// DevTools WebAuthn virtual authenticator: the pages, the client bundle and the server together.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import { generateTotp } from '@keyward/totp';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TOTP_SECRET } from '../src/db/seed.ts';
import { startPortal, type TestPortal } from './helpers.ts';

const portalDir = join(import.meta.dirname, '..');
const artifacts = join(portalDir, 'test-artifacts');
let portal: TestPortal;
let server: ServerType;
let browser: Browser;
let origin: string;
let publicDir: string;
const contexts: BrowserContext[] = [];

async function buildClientBundle(outdir: string): Promise<void> {
  // esbuild comes with tsup (the build tool), so the test bundles exactly what `build` ships.
  const require = createRequire(import.meta.url);
  const esbuild = createRequire(require.resolve('tsup'))('esbuild') as {
    build(options: Record<string, unknown>): Promise<unknown>;
  };
  await esbuild.build({
    entryPoints: {
      webauthn: join(portalDir, 'src/client/webauthn.ts'),
      'push-wait': join(portalDir, 'src/client/push-wait.ts'),
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@keyward/source'],
    outdir,
    logLevel: 'silent',
  });
}

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  publicDir = mkdtempSync(join(tmpdir(), 'portal-public-'));
  await buildClientBundle(publicDir);
  portal = await startPortal({ trustProxy: false, publicDir });
  await new Promise<void>((resolve) => {
    server = serve({ fetch: portal.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  // WebAuthn refuses IP addresses as RP IDs: the browser must use http://localhost.
  origin = `http://localhost:${port}`;
  portal.services.config.origin = origin;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--host-resolver-rules=MAP localhost 127.0.0.1',
    ],
  });
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await portal?.close();
  rmSync(publicDir, { recursive: true, force: true });
});

interface Person {
  page: Page;
  authenticatorId: string;
  cdp: import('playwright-core').CDPSession;
}

async function person(): Promise<Person> {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      ctap2Version: 'ctap2_1',
      transport: 'usb',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { page, authenticatorId, cdp };
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

async function passwordStep(page: Page, username: string): Promise<void> {
  await page.goto(`${origin}/sign-in`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill('keyward-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/sign-in\/(mfa|enrol)/);
}

async function totpStep(page: Page): Promise<void> {
  await page.getByLabel('Code').fill(generateTotp({ secret: DEMO_TOTP_SECRET }));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/profile$/);
}

async function registerNewToken(page: Page, tokensUrl: string, nickname: string, screenshot?: string): Promise<void> {
  await page.goto(tokensUrl);
  await page.getByRole('button', { name: 'Register New Token' }).click();
  await page.waitForURL(/\/edit\?new=1$/);
  if (screenshot) await shot(page, screenshot);
  await page.getByLabel('Nickname').fill(nickname);
  await page.getByRole('button', { name: 'Save Changes' }).click();
  await page.waitForURL(tokensUrl);
  await expect(page.getByRole('cell', { name: nickname, exact: true }).count()).resolves.toBe(1);
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/sign-in$/);
}

describe('portal in Chromium', () => {
  it('TOTP sign-in; a user registers a key, signs in with it, renames it, removes it, and can no longer use it', async () => {
    const alice = await person();
    const { page } = alice;
    await page.goto(`${origin}/sign-in`);
    await shot(page, '01-sign-in');
    await passwordStep(page, 'alice');
    await shot(page, '02-verify-its-you');
    await totpStep(page);
    await shot(page, '03-profile');
    await page.goto(`${origin}/methods`);
    await shot(page, '03b-security-info');
    await page.goto(`${origin}/app-passwords`);
    await shot(page, '03c-app-passwords');
    await page.goto(`${origin}/profile`);
    await page.getByRole('link', { name: 'Manage FIDO2 Tokens' }).click();
    await shot(page, '04-manage-fido2-tokens-empty');
    await registerNewToken(page, `${origin}/tokens`, 'Blue key', '05-nickname');
    await shot(page, '06-manage-fido2-tokens');
    await signOut(page);

    await passwordStep(page, 'alice');
    await page.getByRole('link', { name: 'Sign in using a FIDO2 security key' }).click();
    await shot(page, '07-choose-key');
    await page.getByRole('button', { name: 'Blue key' }).click();
    await page.waitForURL(/\/profile$/);

    await page.goto(`${origin}/tokens`);
    await page.getByRole('link', { name: 'Edit Blue key' }).click();
    await page.getByLabel('Nickname').fill('Keyring key');
    await page.getByRole('button', { name: 'Save Changes' }).click();
    await page.waitForURL(`${origin}/tokens`);
    await expect(page.getByRole('cell', { name: 'Keyring key', exact: true }).count()).resolves.toBe(1);
    await page.getByRole('link', { name: 'Remove Keyring key' }).click();
    await shot(page, '08-remove-confirm');
    await page.getByRole('button', { name: 'Remove' }).click();
    await page.waitForURL(`${origin}/tokens`);
    await expect(page.getByText('The security key has been removed').count()).resolves.toBe(1);
    await signOut(page);

    await passwordStep(page, 'alice');
    await expect(page.getByRole('link', { name: 'Sign in using a FIDO2 security key' }).count()).resolves.toBe(0);
    await page.goto(`${origin}/sign-in/mfa/key`);
    await expect(page.getByText('You have not registered a security key.').count()).resolves.toBe(1);
    // The credential is still on the authenticator, but the server no longer offers or accepts it.
    const { credentials } = await alice.cdp.send('WebAuthn.getCredentials', { authenticatorId: alice.authenticatorId });
    expect(credentials).toHaveLength(1);
    await page.goto(`${origin}/sign-in/mfa`);
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    const status = await page.evaluate(async (token: string) => {
      const res = await fetch('/sign-in/mfa/key/options', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': token },
        body: '{}',
      });
      return res.status;
    }, csrf);
    expect(status).toBe(400);
  });

  it('an administrator registers keys on behalf of users: alice then signs in with hers; bob, with no core method, cannot', async () => {
    const admin = await person();
    await passwordStep(admin.page, 'admin');
    await totpStep(admin.page);
    await admin.page.getByRole('link', { name: 'User Management' }).first().click();
    await admin.page.getByLabel('Search for a user').fill('bob');
    await admin.page.getByRole('button', { name: 'Search' }).click();
    await shot(admin.page, '09-user-management');
    await admin.page.getByRole('link', { name: 'bob' }).click();
    const bobUrl = admin.page.url();
    await admin.page.getByRole('link', { name: 'Manage FIDO2 Tokens' }).click();
    await registerNewToken(admin.page, `${bobUrl}/tokens`, 'Bob key');
    await admin.page.goto(bobUrl);
    await shot(admin.page, '10-user-detail-audit');
    await admin.page.goto(`${origin}/admin/users?q=alice`);
    await admin.page.getByRole('link', { name: 'alice' }).click();
    const aliceUrl = admin.page.url();
    await registerNewToken(admin.page, `${aliceUrl}/tokens`, 'Issued key');

    // Hand the keys over: copy the credentials into each user's own authenticator.
    const { credentials } = await admin.cdp.send('WebAuthn.getCredentials', { authenticatorId: admin.authenticatorId });
    expect(credentials).toHaveLength(2);

    const alice = await person();
    const bob = await person();
    for (const who of [alice, bob]) {
      for (const cred of credentials)
        await who.cdp.send('WebAuthn.addCredential', { authenticatorId: who.authenticatorId, credential: cred });
    }

    await passwordStep(alice.page, 'alice');
    await alice.page.getByRole('link', { name: 'Sign in using a FIDO2 security key' }).click();
    await alice.page.getByRole('button', { name: 'Issued key' }).click();
    await alice.page.waitForURL(/\/profile$/);

    await passwordStep(bob.page, 'bob');
    await shot(bob.page, '11-bob-needs-core');
    await bob.page.getByRole('link', { name: 'Sign in using a FIDO2 security key' }).click();
    await bob.page.getByRole('button', { name: 'Bob key' }).click();
    await bob.page.getByText('There is a problem').waitFor();
    await shot(bob.page, '12-bob-key-refused');
    await expect(bob.page.getByText('A security key counts only once').count()).resolves.toBeGreaterThan(0);
    await bob.page.goto(`${origin}/profile`);
    expect(bob.page.url()).toBe(`${origin}/sign-in`);
  });

  it('push approval with number matching: the outbox page plays the phone, the sign-in page continues by itself', async () => {
    const alice = await person();
    const phone = await person();
    await passwordStep(alice.page, 'alice');
    await alice.page.getByRole('link', { name: 'Sign in with other options' }).click();
    await shot(alice.page, '13-other-options');
    await alice.page.getByRole('button', { name: 'Approve a request on my authenticator app' }).click();
    await alice.page.waitForURL(/\/sign-in\/mfa\/push\//);
    const number = (await alice.page.locator('.number-match').textContent())?.trim() ?? '';
    expect(number).toMatch(/^\d{2}$/);
    await shot(alice.page, '14-push-number');
    await phone.page.goto(`${origin}/dev/outbox`);
    await shot(phone.page, '15-outbox');
    await phone.page.getByLabel('Number shown on the sign-in screen').first().fill(number);
    await phone.page.getByRole('button', { name: 'Approve' }).first().click();
    await phone.page.waitForURL(`${origin}/dev/outbox`);
    // push-wait.js polls the status and submits the form once approved.
    await alice.page.waitForURL(/\/profile$/);
  });
});
