/// <reference types="node" />
/**
 * The package in a real browser: Debian's Chromium, headless, driven by playwright-core, with the
 * DevTools WebAuthn virtual authenticator, against a local relying party on http://localhost.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { type Browser, type CDPSession, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Drivers, Outcome } from './page/app.ts';
import { relyingParty } from './relying-party.ts';
import { startTestServer, type TestServer } from './server.ts';

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // A name that is not localhost, for an insecure (plain http) context.
  '--host-resolver-rules=MAP insecure.test 127.0.0.1',
];

/** Our own bound on a page call: a ceremony with no authenticator never settles (note, trap 2). */
const EVALUATE_GUARD_MS = 20_000;

interface VirtualAuthenticatorOptions {
  protocol: 'ctap2' | 'u2f';
  ctap2Version?: 'ctap2_0' | 'ctap2_1';
  transport: 'usb' | 'nfc' | 'ble' | 'cable' | 'internal';
  hasResidentKey: boolean;
  hasUserVerification: boolean;
  isUserVerified?: boolean;
  hasPrf?: boolean;
  hasLargeBlob?: boolean;
  automaticPresenceSimulation?: boolean;
}

const CTAP2_UV: VirtualAuthenticatorOptions = {
  protocol: 'ctap2',
  ctap2Version: 'ctap2_1',
  transport: 'usb',
  hasResidentKey: true,
  hasUserVerification: true,
  isUserVerified: true,
};

let browser: Browser | undefined;
let server: TestServer | undefined;
const pages: Page[] = [];

interface Harness {
  page: Page;
  cdp: CDPSession;
  authenticatorId: string;
  /** Runs `call` in the page: it travels as source, so it sees only its arguments (`arg` as JSON). */
  run<R, A = undefined>(call: (drivers: Drivers, arg: A) => Promise<R> | R, arg?: A): Promise<R>;
  credentials(): Promise<{ credentialId: string; isResidentCredential: boolean; signCount: number }[]>;
}

async function open(options: VirtualAuthenticatorOptions, host = 'localhost'): Promise<Harness> {
  if (!browser || !server) throw new Error('setup failed');
  const page = await browser.newPage();
  pages.push(page);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', { options });
  await page.goto(server.origin.replace('localhost', host));
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
  const run = async <R, A>(call: (drivers: Drivers, arg: A) => Promise<R> | R, arg?: A): Promise<R> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const guard = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('page.evaluate did not settle')), EVALUATE_GUARD_MS);
    });
    try {
      const evaluated = page.evaluate(`(${call.toString()})(window.keyward, ${JSON.stringify(arg)})`) as Promise<R>;
      return await Promise.race([evaluated, guard]);
    } finally {
      clearTimeout(timer);
    }
  };
  const credentials = async () =>
    (
      (await cdp.send('WebAuthn.getCredentials', { authenticatorId })) as {
        credentials: { credentialId: string; isResidentCredential: boolean; signCount: number }[];
      }
    ).credentials;
  return { page, cdp, authenticatorId, run, credentials };
}

function ok<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(`expected success, got ${JSON.stringify(outcome.error)}`);
  return outcome.value;
}

function failure<T>(outcome: Outcome<T>) {
  if (outcome.ok) throw new Error(`expected an error, got ${JSON.stringify(outcome.value).slice(0, 200)}`);
  return outcome.error;
}

beforeAll(async () => {
  const require = createRequire(import.meta.url);
  const esbuild = createRequire(require.resolve('tsup'))('esbuild') as {
    build(options: Record<string, unknown>): Promise<{ outputFiles: { text: string }[] }>;
  };
  const bundle = async (entry: Record<string, unknown>) =>
    (
      await esbuild.build({
        ...entry,
        bundle: true,
        format: 'esm',
        platform: 'browser',
        target: 'es2022',
        conditions: ['@keyward/source'],
        alias: { '@keyward/webauthn-browser': fileURLToPath(new URL('../src/index.ts', import.meta.url)) },
        write: false,
        logLevel: 'silent',
      })
    ).outputFiles[0]?.text ?? '';
  // The README's quick start, as written, exposed to the page.
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const quickStart = /```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const scripts = {
    '/app.js': await bundle({ entryPoints: [fileURLToPath(new URL('./page/app.ts', import.meta.url))] }),
    '/quickstart.js': await bundle({
      stdin: {
        contents: `${quickStart}\nObject.assign(window, { quickstart: { registerKey, signIn } });`,
        loader: 'ts',
        resolveDir: fileURLToPath(new URL('.', import.meta.url)),
        sourcefile: 'README.md',
      },
    }),
  };
  server = await startTestServer(scripts, await relyingParty());
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: FLAGS });
}, 60_000);

// One page (and virtual authenticator) per test, closed after it.
afterEach(async () => {
  for (const page of pages.splice(0)) await page.close();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('in Chromium with a virtual authenticator', { timeout: 60_000 }, () => {
  it('registers with ctap2 + UV (packed) and signs in, verified by the server, counters rising', async () => {
    const h = await open(CTAP2_UV);
    const reg = ok(
      await h.run((k) =>
        k.register({ user: 'ana', attestation: 'direct', residentKey: 'required', userVerification: 'required' }),
      ),
    );
    expect(reg.verified).toMatchObject({ fmt: 'packed', userVerified: true });
    expect(reg.response).toMatchObject({ type: 'public-key', id: reg.response.rawId });
    expect(reg.response.id).toMatch(/^[\w-]+$/);
    expect(reg.response.response.transports).toContain('usb');
    // The server's default list puts EdDSA first; the authenticator picked, the server agrees.
    expect(reg.response.response.publicKeyAlgorithm).toBe(reg.verified['credentialAlg']);
    expect(reg.verified['aaguid']).toBe('01020304-0506-0708-0102-030405060708');
    expect(reg.response.response.authenticatorData).toMatch(/^[\w-]+$/);
    expect((await h.credentials())[0]?.isResidentCredential).toBe(true);

    const login = ok(await h.run((k) => k.login({ user: 'ana', userVerification: 'required' })));
    expect(login.verified).toMatchObject({ credentialId: reg.response.id, userVerified: true });
    expect(login.verified['newSignCount']).toBeGreaterThan(Number(reg.verified['signCount']));

    // A discoverable sign-in: no allowCredentials, the user handle comes back.
    const discoverable = ok(await h.run((k) => k.login({ user: 'ana', discoverable: true })));
    expect(discoverable.response.response.userHandle).toBe(server?.accounts.get('ana')?.id);
    expect(discoverable.verified['newSignCount']).toBeGreaterThan(Number(login.verified['newSignCount']));
  });

  it('runs the whole round trip through its own conversions when the native JSON helpers are missing', async () => {
    const h = await open(CTAP2_UV);
    expect(await h.run((k) => k.removeNativeJSON())).toBe('undefined');
    const reg = ok(await h.run((k) => k.register({ user: 'bo', attestation: 'direct', residentKey: 'required' })));
    expect(reg.verified).toMatchObject({ fmt: 'packed', userVerified: true });
    expect(reg.response.response.transports).toContain('usb');
    expect(reg.response.response.publicKey).toMatch(/^[\w-]+$/);
    const login = ok(await h.run((k) => k.login({ user: 'bo', discoverable: true })));
    expect(login.response.response.userHandle).toBe(server?.accounts.get('bo')?.id);
    expect(login.verified).toMatchObject({ credentialId: reg.response.id });
  });

  for (const native of [true, false]) {
    const how = native ? 'natively' : 'through its own conversions';

    it(`carries PRF inputs and outputs (binary, base64url in JSON) ${how}`, async () => {
      const h = await open({ ...CTAP2_UV, hasPrf: true });
      if (!native) expect(await h.run((k) => k.removeNativeJSON())).toBe('undefined');
      const user = native ? 'prf-native' : 'prf-own';
      const salt = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'; // 32 zero bytes
      const reg = ok(
        await h.run((k, user) => k.register({ user, residentKey: 'required', extensions: { prf: {} } }), user),
      );
      expect(reg.response.clientExtensionResults).toMatchObject({ prf: { enabled: true } });
      const evaluate = () =>
        h.run((k, [user, first]) => k.login({ user, extensions: { prf: { eval: { first } } } }), [user, salt]);
      const first = ok(await evaluate());
      const again = ok(await evaluate());
      const results = first.response.clientExtensionResults as { prf: { results: { first: string } } };
      expect(results.prf.results.first).toMatch(/^[\w-]{43}$/);
      expect(results.prf.results.first).not.toBe(salt);
      // Same credential, same salt: same PRF output.
      expect(again.response.clientExtensionResults).toEqual(first.response.clientExtensionResults);
    });

    it(`writes and reads a large blob ${how}`, async () => {
      const h = await open({ ...CTAP2_UV, hasLargeBlob: true });
      if (!native) expect(await h.run((k) => k.removeNativeJSON())).toBe('undefined');
      // A user of its own: a largeBlob write needs exactly one allowCredentials entry.
      const user = native ? 'blob-native' : 'blob-own';
      const reg = ok(
        await h.run(
          (k, user) =>
            k.register({ user, residentKey: 'required', extensions: { largeBlob: { support: 'required' } } }),
          user,
        ),
      );
      expect(reg.response.clientExtensionResults).toMatchObject({ largeBlob: { supported: true } });
      const blob = 'a2V5d2FyZA'; // "keyward"
      const write = ok(
        await h.run((k, [user, write]) => k.login({ user, extensions: { largeBlob: { write } } }), [user, blob]),
      );
      expect(write.response.clientExtensionResults).toMatchObject({ largeBlob: { written: true } });
      const read = ok(await h.run((k, user) => k.login({ user, extensions: { largeBlob: { read: true } } }), user));
      expect(read.response.clientExtensionResults).toMatchObject({ largeBlob: { blob } });
    });
  }

  it('gives ERR_ALREADY_REGISTERED when excludeCredentials names a credential on the authenticator', async () => {
    const h = await open(CTAP2_UV);
    ok(await h.run((k) => k.register({ user: 'cy' })));
    const error = failure(await h.run((k) => k.register({ user: 'cy', exclude: true })));
    expect(error).toMatchObject({
      code: 'ERR_ALREADY_REGISTERED',
      causeName: 'InvalidStateError',
      isWebAuthnBrowserError: true,
    });
    expect(await h.credentials()).toHaveLength(1);
  });

  it('maps UV required with user verification failing to ERR_CANCELLED, on create and on get', async () => {
    const h = await open(CTAP2_UV);
    ok(await h.run((k) => k.register({ user: 'di', userVerification: 'required' })));
    await h.cdp.send('WebAuthn.setUserVerified', { authenticatorId: h.authenticatorId, isUserVerified: false });
    const create = failure(await h.run((k) => k.register({ user: 'di', userVerification: 'required' })));
    expect(create).toMatchObject({ code: 'ERR_CANCELLED', causeName: 'NotAllowedError', isWebAuthnBrowserError: true });
    const get = failure(await h.run((k) => k.login({ user: 'di', userVerification: 'required' })));
    expect(get).toMatchObject({ code: 'ERR_CANCELLED', causeName: 'NotAllowedError' });
    expect(await h.credentials()).toHaveLength(1);
  });

  it('works with an authenticator without user verification (UV=0), and refuses UV required', async () => {
    const h = await open({ ...CTAP2_UV, hasResidentKey: false, hasUserVerification: false, isUserVerified: false });
    const reg = ok(await h.run((k) => k.register({ user: 'dot', userVerification: 'discouraged' })));
    expect(reg.verified).toMatchObject({ userVerified: false });
    const login = ok(await h.run((k) => k.login({ user: 'dot', userVerification: 'discouraged' })));
    expect(login.verified).toMatchObject({ userVerified: false, credentialId: reg.response.id });
    const refused = failure(await h.run((k) => k.login({ user: 'dot', userVerification: 'required' })));
    expect(refused).toMatchObject({ code: 'ERR_CANCELLED', causeName: 'NotAllowedError' });
  });

  it('takes the u2f path to fido-u2f attestation and signs in with it', async () => {
    const h = await open({ protocol: 'u2f', transport: 'usb', hasResidentKey: false, hasUserVerification: false });
    const reg = ok(
      await h.run((k) => k.register({ user: 'ed', attestation: 'direct', userVerification: 'discouraged' })),
    );
    expect(reg.verified).toMatchObject({ fmt: 'fido-u2f', userVerified: false, signCount: 0 });
    const login = ok(await h.run((k) => k.login({ user: 'ed', userVerification: 'discouraged' })));
    expect(login.verified).toMatchObject({ credentialId: reg.response.id, userVerified: false });
    expect(login.verified['newSignCount']).toBeGreaterThan(0);
  });

  it("honours the caller's AbortSignal: ERR_ABORTED, no credential created", async () => {
    const h = await open(CTAP2_UV);
    // Without presence simulation the ceremony waits for a touch that never comes.
    await h.cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId: h.authenticatorId, enabled: false });
    await h.run((k) => k.begin('pending', 'register', { user: 'fu' }));
    await h.run((k) => k.abort('pending'));
    const error = failure((await h.run((k) => k.settle('pending'))) as Outcome<unknown>);
    expect(error).toMatchObject({ code: 'ERR_ABORTED', causeName: 'AbortError', isWebAuthnBrowserError: true });
    expect(await h.credentials()).toHaveLength(0);
  });

  it('maps a ceremony that times out (no touch) to ERR_CANCELLED', async () => {
    const h = await open(CTAP2_UV);
    await h.cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId: h.authenticatorId, enabled: false });
    // The browser ends the ceremony at its timeout (browsers may raise short ones; the page guard is longer).
    const error = failure(await h.run((k) => k.register({ user: 'fay', timeout: 1000 })));
    expect(error).toMatchObject({ code: 'ERR_CANCELLED', causeName: 'NotAllowedError' });
    expect(await h.credentials()).toHaveLength(0);
  });

  it('rejects an already-aborted signal with ERR_ABORTED without asking the authenticator', async () => {
    const h = await open(CTAP2_UV);
    const error = failure(await h.run((k) => k.alreadyAborted({ user: 'gil' })));
    expect(error).toMatchObject({ code: 'ERR_ABORTED', causeName: 'AbortError' });
    expect(await h.run((k) => k.browserCalls())).toEqual({ create: 0, get: 0 });
    expect(await h.credentials()).toHaveLength(0);
  });

  it('aborts the previous ceremony with ERR_SUPERSEDED when a new one starts, and the new one runs', async () => {
    const h = await open(CTAP2_UV);
    await h.cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId: h.authenticatorId, enabled: false });
    await h.run((k) => k.begin('first', 'register', { user: 'hal' }));
    await h.run((k) => k.begin('second', 'register', { user: 'hal' }));
    const first = failure((await h.run((k) => k.settle('first'))) as Outcome<unknown>);
    expect(first).toMatchObject({ code: 'ERR_SUPERSEDED', causeName: 'AbortError', isWebAuthnBrowserError: true });
    // The second one is really pending in the browser (had Chromium refused it as "a request is
    // already pending" it would have settled with ERR_CANCELLED): only its own abort ends it.
    await h.run((k) => k.abort('second'));
    const second = failure((await h.run((k) => k.settle('second'))) as Outcome<unknown>);
    expect(second).toMatchObject({ code: 'ERR_ABORTED', causeName: 'AbortError' });
  });

  it('offers conditional mediation with a platform ("internal") authenticator and signs in through it', async () => {
    const h = await open({ ...CTAP2_UV, transport: 'internal' });
    expect(await h.run((k) => k.supports())).toMatchObject({ webAuthn: true, autofill: true });
    ok(await h.run((k) => k.register({ user: 'ivy', residentKey: 'required', userVerification: 'required' })));
    const login = ok(await h.run((k) => k.login({ user: 'ivy', discoverable: true }, 'conditional')));
    expect(login.response.response.userHandle).toBe(server?.accounts.get('ivy')?.id);
    expect(login.response.authenticatorAttachment).toBe('platform');
    expect(login.verified).toMatchObject({ userVerified: true });
  });

  it('passes a conditional create to the browser, which keeps it pending until aborted', async () => {
    // The virtual authenticator has no password manager to upgrade from, so Chromium never
    // completes a conditional create here: what can be shown is that it accepted the request.
    const h = await open({ ...CTAP2_UV, transport: 'internal' });
    expect((await h.run((k) => k.supports())).capabilities).toMatchObject({ conditionalCreate: true });
    await h.run((k) => k.begin('upgrade', 'register', { user: 'ivo', residentKey: 'required' }, 'conditional'));
    await h.run((k) => k.abort('upgrade'));
    const error = failure((await h.run((k) => k.settle('upgrade'))) as Outcome<unknown>);
    expect(error).toMatchObject({ code: 'ERR_ABORTED', causeName: 'AbortError' });
    expect(await h.credentials()).toHaveLength(0);
  });

  it('refuses conditional mediation with ERR_UNSUPPORTED where the browser does not offer it', async () => {
    const h = await open(CTAP2_UV);
    expect(await h.run((k) => k.supports())).toMatchObject({ autofill: false });
    ok(await h.run((k) => k.register({ user: 'jo', residentKey: 'required' })));
    const error = failure(await h.run((k) => k.login({ user: 'jo', discoverable: true }, 'conditional')));
    expect(error).toMatchObject({ code: 'ERR_UNSUPPORTED' });
  });

  it('maps SecurityError (RP ID not valid here) to ERR_INVALID_RP_ID', async () => {
    const h = await open(CTAP2_UV);
    const error = failure(
      await h.run((k) =>
        k.createWith({
          rp: { id: 'example.com', name: 'x' },
          user: { id: 'AQID', name: 'x', displayName: 'x' },
          challenge: 'AAAAAAAAAAAAAAAAAAAAAA',
          pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
        }),
      ),
    );
    expect(error).toMatchObject({ code: 'ERR_INVALID_RP_ID', causeName: 'SecurityError' });
    expect(error.message).toContain('example.com');
    const getError = failure(
      await h.run((k) => k.getWith({ rpId: 'example.com', challenge: 'AAAAAAAAAAAAAAAAAAAAAA' })),
    );
    expect(getError).toMatchObject({ code: 'ERR_INVALID_RP_ID', causeName: 'SecurityError' });
  });

  it('refuses an IP-address origin with ERR_INVALID_RP_ID (an IP is never an RP ID)', async () => {
    const h = await open(CTAP2_UV, '127.0.0.1');
    const error = failure(
      await h.run((k) =>
        k.createWith({
          rp: { name: 'x' },
          user: { id: 'AQID', name: 'x', displayName: 'x' },
          challenge: 'AAAAAAAAAAAAAAAAAAAAAA',
          pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
        }),
      ),
    );
    expect(error).toMatchObject({ code: 'ERR_INVALID_RP_ID', causeName: 'SecurityError' });
    expect(error.message).toContain('"127.0.0.1"');
  });

  it('gives ERR_NOT_SECURE_CONTEXT on a plain-http page that is not localhost', async () => {
    const h = await open(CTAP2_UV, 'insecure.test');
    expect(await h.run(() => window.isSecureContext)).toBe(false);
    expect((await h.run((k) => k.supports())).webAuthn).toBe(false);
    const error = failure(
      await h.run((k) =>
        k.createWith({
          rp: { name: 'x' },
          user: { id: 'AQID', name: 'x', displayName: 'x' },
          challenge: 'AAAAAAAAAAAAAAAAAAAAAA',
          pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
        }),
      ),
    );
    expect(error).toMatchObject({ code: 'ERR_NOT_SECURE_CONTEXT', isWebAuthnBrowserError: true });
    const getError = failure(await h.run((k) => k.getWith({ challenge: 'AAAAAAAAAAAAAAAAAAAAAA' })));
    expect(getError).toMatchObject({ code: 'ERR_NOT_SECURE_CONTEXT' });
  });

  it('maps NotSupportedError (no usable credential parameters) to ERR_ALG_UNSUPPORTED', async () => {
    const h = await open(CTAP2_UV);
    const error = failure(
      await h.run((k) =>
        k.createWith({
          rp: { name: 'x' },
          user: { id: 'AQID', name: 'x', displayName: 'x' },
          challenge: 'AAAAAAAAAAAAAAAAAAAAAA',
          pubKeyCredParams: [{ type: 'not-public-key', alg: -7 }],
        }),
      ),
    );
    expect(error).toMatchObject({ code: 'ERR_ALG_UNSUPPORTED', causeName: 'NotSupportedError' });
    // An algorithm the browser knows no authenticator for: Chromium says NotAllowedError (privacy).
    const unknownAlg = failure(
      await h.run((k) =>
        k.createWith({
          rp: { name: 'x' },
          user: { id: 'AQID', name: 'x', displayName: 'x' },
          challenge: 'AAAAAAAAAAAAAAAAAAAAAA',
          pubKeyCredParams: [{ type: 'public-key', alg: 31337 }],
        }),
      ),
    );
    expect(unknownAlg).toMatchObject({ code: 'ERR_CANCELLED', causeName: 'NotAllowedError' });
  });

  it('maps malformed options (bad base64url, missing fields) to ERR_BAD_OPTIONS', async () => {
    const h = await open(CTAP2_UV);
    const badChallenge = failure(
      await h.run((k) =>
        k.createWith({
          rp: { name: 'x' },
          user: { id: 'AQID', name: 'x', displayName: 'x' },
          challenge: 'not*base64url',
          pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
        }),
      ),
    );
    expect(badChallenge).toMatchObject({ code: 'ERR_BAD_OPTIONS' });
    const missingUser = failure(
      await h.run((k) =>
        k.createWith({ rp: { name: 'x' }, challenge: 'AAAA' } as unknown as Parameters<typeof k.createWith>[0]),
      ),
    );
    expect(missingUser).toMatchObject({ code: 'ERR_BAD_OPTIONS', causeName: 'TypeError' });
  });

  it('gives ERR_CANCELLED for a sign-in with a credential the authenticator does not hold', async () => {
    const h = await open(CTAP2_UV);
    const error = failure(
      await h.run((k) =>
        k.getWith({
          challenge: 'AAAAAAAAAAAAAAAAAAAAAA',
          allowCredentials: [{ id: 'AAAAAAAAAAAAAAAA', type: 'public-key' }],
        }),
      ),
    );
    expect(error).toMatchObject({ code: 'ERR_CANCELLED', causeName: 'NotAllowedError' });
  });

  it('reports support, client capabilities and takes the Level 3 signals', async () => {
    const h = await open(CTAP2_UV);
    const support = await h.run((k) => k.supports());
    expect(support.webAuthn).toBe(true);
    expect(typeof support.platform).toBe('boolean');
    expect(support.capabilities).toEqual(expect.objectContaining({ conditionalGet: expect.any(Boolean) }));
    const reg = ok(await h.run((k) => k.register({ user: 'kai', residentKey: 'required' })));
    const signals = ok(await h.run((k) => k.signals('localhost', 'AQID', 'AAAAAAAAAAAAAAAA')));
    expect(signals).toEqual({ unknown: true, accepted: true, details: true });
    expect(reg.response.id).toMatch(/^[\w-]+$/);
    const wrongRp = failure(await h.run((k) => k.signals('example.com', 'AQID', 'AAAAAAAAAAAAAAAA')));
    expect(wrongRp).toMatchObject({ code: 'ERR_INVALID_RP_ID', causeName: 'SecurityError' });
  });

  it("runs the README's quick start as written: register, already registered, sign in", async () => {
    const h = await open(CTAP2_UV);
    await h.page.addScriptTag({ url: '/quickstart.js', type: 'module' });
    await h.page.waitForFunction(() => 'quickstart' in window);
    type QuickStart = { quickstart: { registerKey(): Promise<string>; signIn(): Promise<string> } };
    // h.run sends the function as source: `window` there is the page's.
    expect(await h.run(() => (window as unknown as QuickStart).quickstart.registerKey())).toBe('Key registered.');
    expect(await h.run(() => (window as unknown as QuickStart).quickstart.registerKey())).toBe(
      'This key is already registered.',
    );
    expect(await h.run(() => (window as unknown as QuickStart).quickstart.signIn())).toBe('Signed in.');
    expect(server?.accounts.get('readme')?.credentials).toHaveLength(1);
  });
});
