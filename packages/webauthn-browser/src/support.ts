import { webAuthn } from './internal/globals.ts';

/**
 * What the browser reports through `PublicKeyCredential.getClientCapabilities()` (WebAuthn L3
 * §5.1.7): keys such as `conditionalCreate`, `conditionalGet`, `hybridTransport`,
 * `passkeyPlatformAuthenticator`, `userVerifyingPlatformAuthenticator`, `relatedOrigins`,
 * `signalAllAcceptedCredentials`, `signalCurrentUserDetails`, `signalUnknownCredential`, and
 * `extension:<identifier>` per extension. A missing key means "not reported", not "no".
 */
export type ClientCapabilities = Readonly<Record<string, boolean>>;

/**
 * Tells whether this browser has WebAuthn (`PublicKeyCredential` and `navigator.credentials`).
 * Does not tell whether the page is a secure context; the ceremonies check that.
 *
 * @returns `true` when WebAuthn calls can be made.
 * @example
 * ```ts
 * if (!browserSupportsWebAuthn()) hidePasskeyButton();
 * ```
 */
export function browserSupportsWebAuthn(): boolean {
  return webAuthn() !== undefined;
}

/**
 * Tells whether a user-verifying platform authenticator (Touch ID, Windows Hello, an Android
 * screen lock…) is available, to decide whether to offer "create a passkey on this device".
 *
 * @returns `true` when one is available; `false` when not, or when the browser cannot say.
 */
export async function platformAuthenticatorIsAvailable(): Promise<boolean> {
  try {
    return (await webAuthn()?.[0].isUserVerifyingPlatformAuthenticatorAvailable?.()) === true;
  } catch {
    return false;
  }
}

/**
 * Tells whether the browser offers passkeys in form autofill (conditional mediation), that is
 * whether `startAuthentication(options, { mediation: 'conditional' })` can run.
 *
 * @returns `true` when conditional mediation is available.
 */
export async function browserSupportsWebAuthnAutofill(): Promise<boolean> {
  try {
    return (await webAuthn()?.[0].isConditionalMediationAvailable?.()) === true;
  } catch {
    return false;
  }
}

/**
 * Reads the browser's WebAuthn client capabilities where it reports them (WebAuthn L3
 * `PublicKeyCredential.getClientCapabilities()`).
 *
 * @returns The capabilities, or `undefined` when the browser does not report them (or has no WebAuthn).
 * @example
 * ```ts
 * const capabilities = await getClientCapabilities();
 * if (capabilities?.['extension:prf']) enablePrfEncryption();
 * ```
 */
export async function getClientCapabilities(): Promise<ClientCapabilities | undefined> {
  try {
    return await webAuthn()?.[0].getClientCapabilities?.();
  } catch {
    return undefined;
  }
}
