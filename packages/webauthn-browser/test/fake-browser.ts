/**
 * A fake browser for the Node unit tests: `navigator.credentials`, `PublicKeyCredential` and
 * `isSecureContext` as globals, with the ceremony's answer chosen by the test.
 */
import { vi } from 'vitest';
import type { PublicKeyCredentialStatic } from '../src/internal/globals.ts';

/** What a fake ceremony does with the options and signal it was given. */
export type Answer = (options: CredentialCreationOptions & CredentialRequestOptions) => Promise<unknown>;

/** Handles on the installed fake. */
export interface FakeBrowser {
  create: ReturnType<typeof vi.fn<Answer>>;
  get: ReturnType<typeof vi.fn<Answer>>;
  pkc: PublicKeyCredentialStatic;
}

/** Never settles until the ceremony's signal aborts; then rejects with its reason, as browsers do. */
export const hang: Answer = (options) =>
  new Promise((_, reject) => {
    const signal = options.signal as AbortSignal;
    signal.addEventListener('abort', () => reject(signal.reason));
  });

/** A DOMException the way a browser throws it. */
export const domError =
  (name: string): Answer =>
  () =>
    Promise.reject(new DOMException(`fake ${name}`, name));

const buffer = (...bytes: number[]): ArrayBuffer => new Uint8Array(bytes).buffer;

/** A fake `PublicKeyCredential` after create (no toJSON unless given). */
export function fakeAttestation(extra: Record<string, unknown> = {}): PublicKeyCredential {
  return {
    id: 'AQID',
    rawId: buffer(1, 2, 3),
    type: 'public-key',
    authenticatorAttachment: 'cross-platform',
    response: {
      clientDataJSON: buffer(0x7b, 0x7d),
      attestationObject: buffer(0xa0),
      getTransports: () => ['usb', 'nfc'],
      getPublicKey: () => buffer(0xff, 0xfe),
      getPublicKeyAlgorithm: () => -7,
      getAuthenticatorData: () => buffer(9, 9),
    },
    getClientExtensionResults: () => ({
      credProps: { rk: true },
      prf: { enabled: true, results: { first: buffer(0xfb) } },
    }),
    ...extra,
  } as unknown as PublicKeyCredential;
}

/** A fake `PublicKeyCredential` after get (no toJSON unless given). */
export function fakeAssertion(userHandle: ArrayBuffer | null = buffer(7)): PublicKeyCredential {
  return {
    id: 'BAUG',
    rawId: buffer(4, 5, 6),
    type: 'public-key',
    authenticatorAttachment: null,
    response: { clientDataJSON: buffer(0x7b, 0x7d), authenticatorData: buffer(1), signature: buffer(2, 3), userHandle },
    getClientExtensionResults: () => ({}),
  } as unknown as PublicKeyCredential;
}

/**
 * Installs the fake. `statics` are the `PublicKeyCredential` static methods this browser has
 * (none by default: the package's own conversions run).
 */
export function installFakeBrowser(statics: PublicKeyCredentialStatic = {}, secure = true): FakeBrowser {
  const create = vi.fn<Answer>(() => Promise.resolve(fakeAttestation()));
  const get = vi.fn<Answer>(() => Promise.resolve(fakeAssertion()));
  vi.stubGlobal('navigator', { credentials: { create, get } });
  vi.stubGlobal('PublicKeyCredential', statics);
  vi.stubGlobal('isSecureContext', secure);
  vi.stubGlobal('location', { hostname: 'example.org', origin: 'https://example.org' });
  return { create, get, pkc: statics };
}
