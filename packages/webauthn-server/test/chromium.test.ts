/**
 * Smoke test in a real browser: the package bundled for the browser (esbuild, as a bundler would),
 * loaded into headless Chromium on a page served by playwright's router (no network), verifying
 * recorded conformance cases with the browser's own WebCrypto and noble. No `node:` module is
 * reachable there, so this also proves the portable path.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CASES = [
  'swa-auth-es256',
  'py-auth-eddsa',
  'py-auth-rs256-uv-required',
  'swa-auth-neg-signature-tampered',
  'swa-reg-none-es256-firefox-android',
  'swa-reg-packed-self-ps256',
  'swa-reg-packed-full-yubikey',
  'swa-reg-apple-2020',
  'swa-reg-tpm-rs1-conformance',
  'swa-reg-fido-u2f-yubikey',
];
const DIR = join(import.meta.dirname, '../../../../shared/conformance/webauthn');

let browser: Browser | undefined;
let bundle = '';

beforeAll(async () => {
  const require = createRequire(import.meta.url);
  const esbuild = createRequire(require.resolve('tsup'))('esbuild') as {
    build(options: Record<string, unknown>): Promise<{ outputFiles: { text: string }[] }>;
  };
  const src = fileURLToPath(new URL('../src/index.ts', import.meta.url));
  const result = await esbuild.build({
    stdin: {
      contents: `import * as k from ${JSON.stringify(src)};\nimport { base64urlToBytes } from '@keyward/internal';\nObject.assign(window, { keyward: k, b64: base64urlToBytes });`,
      loader: 'ts',
      resolveDir: fileURLToPath(new URL('.', import.meta.url)),
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@keyward/source'],
    write: false,
    logLevel: 'silent',
  });
  bundle = result.outputFiles[0]?.text ?? '';
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

interface PageResult {
  ok: boolean;
  code?: string;
  name?: string;
  summary?: Record<string, unknown>;
}

describe('in Chromium', () => {
  it('the bundle has no node: imports', () => {
    expect(bundle.length).toBeGreaterThan(10_000);
    expect(bundle).not.toMatch(/from\s*["']node:/);
  });

  it('verifies recorded registrations and assertions with the browser crypto', async () => {
    if (!browser) throw new Error('setup failed');
    const page = await browser.newPage();
    // A secure context (WebCrypto needs one) without any server: playwright answers the request.
    await page.route('http://localhost/**', (route) =>
      route.fulfill({ contentType: 'text/html', body: '<!doctype html><html><body></body></html>' }),
    );
    await page.goto('http://localhost/');
    await page.addScriptTag({ content: bundle, type: 'module' });
    await page.waitForFunction(() => 'keyward' in globalThis);
    for (const id of CASES) {
      const c = JSON.parse(readFileSync(join(DIR, `${id}.json`), 'utf8'));
      const result = (await page.evaluate(async (c) => {
        // biome-ignore lint/suspicious/noExplicitAny: page globals set by the bundle
        const w = globalThis as any;
        try {
          if (c.kind === 'registration') {
            const r = await w.keyward.verifyRegistrationResponse({
              response: c.response,
              expectedChallenge: c.expectedChallenge,
              expectedOrigin: c.expectedOrigin,
              expectedRPID: c.expectedRPID,
              requireUserVerification: c.requireUserVerification ?? false,
              ...(c.supportedAlgorithms ? { supportedAlgorithms: c.supportedAlgorithms } : {}),
              attestation: {
                ...(c.trustAnchors ? { trustAnchors: c.trustAnchors } : {}),
                ...(c.verifyAt ? { now: new Date(c.verifyAt) } : {}),
              },
            });
            return {
              ok: true,
              summary: {
                fmt: r.fmt,
                attestationType: r.attestationType,
                attestationTrusted: r.attestationTrusted,
                signCount: r.credential.signCount,
              },
            };
          }
          const r = await w.keyward.verifyAuthenticationResponse({
            response: c.response,
            expectedChallenge: c.expectedChallenge,
            expectedOrigin: c.expectedOrigin,
            expectedRPID: c.expectedRPID,
            requireUserVerification: c.requireUserVerification ?? false,
            credential: {
              id: c.credential.id,
              publicKey: w.b64(c.credential.publicKey),
              signCount: c.credential.signCount,
            },
          });
          return { ok: true, summary: { newSignCount: r.newSignCount } };
        } catch (error) {
          const e = error as { name?: string; code?: string };
          return { ok: false, name: e.name, code: e.code };
        }
      }, c)) as PageResult;
      if (c.expect.ok) {
        expect(result, id).toMatchObject({ ok: true });
        if (c.kind === 'registration') {
          expect(result.summary, id).toMatchObject({
            fmt: c.expect.fmt,
            signCount: c.expect.signCount,
            attestationTrusted: Boolean(c.trustAnchors),
          });
        } else expect(result.summary, id).toEqual({ newSignCount: c.expect.newSignCount });
      } else expect(result, id).toEqual({ ok: false, name: 'WebAuthnError', code: c.expect.code });
    }
    await page.close();
  }, 60_000);
});
