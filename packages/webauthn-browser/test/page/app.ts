/**
 * The script of the test page: bundled with esbuild from the package's source, it exposes the
 * package and a few ceremony drivers on `window.keyward` for `page.evaluate`.
 */
import * as keyward from '../../src/index.ts';

/** What a driver reports back to Node: plain JSON. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ErrorReport };

/** A thrown value, flattened for `page.evaluate`. */
export interface ErrorReport {
  name: string;
  code?: string;
  message: string;
  causeName?: string;
  isWebAuthnBrowserError: boolean;
}

async function post<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(`${path}: ${json.error}`);
  return json;
}

function report(error: unknown): ErrorReport {
  const e = error as { name?: string; code?: string; message?: string; cause?: { name?: string } };
  return {
    name: String(e?.name),
    ...(e?.code && { code: e.code }),
    message: String(e?.message),
    ...(e?.cause?.name && { causeName: e.cause.name }),
    isWebAuthnBrowserError: keyward.isWebAuthnBrowserError(error),
  };
}

async function outcome<T>(run: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, error: report(error) };
  }
}

// Count the calls that reach the browser, so `begin` can wait until its ceremony really started.
const calls = { create: 0, get: 0 };
// `navigator.credentials` is missing in insecure contexts.
const container = navigator.credentials as CredentialsContainer | undefined;
if (container) {
  const nativeCreate = container.create.bind(container);
  const nativeGet = container.get.bind(container);
  container.create = (options) => {
    calls.create++;
    return nativeCreate(options);
  };
  container.get = (options) => {
    calls.get++;
    return nativeGet(options);
  };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 0));
}

/** Pending ceremonies started by `begin*`, by name, so a test can finish them later. */
const pending = new Map<string, { promise: Promise<Outcome<unknown>>; controller: AbortController }>();

/** The drivers on `window.keyward`. */
export interface Drivers {
  keyward: typeof keyward;
  register(params: Record<string, unknown>): Promise<Outcome<CeremonyResult<keyward.RegistrationResponseJSON>>>;
  login(
    params: Record<string, unknown>,
    mediation?: 'conditional' | 'optional',
  ): Promise<Outcome<CeremonyResult<keyward.AuthenticationResponseJSON>>>;
  createWith(
    options: keyward.PublicKeyCredentialCreationOptionsJSON,
  ): Promise<Outcome<keyward.RegistrationResponseJSON>>;
  getWith(options: keyward.PublicKeyCredentialRequestOptionsJSON): Promise<Outcome<keyward.AuthenticationResponseJSON>>;
  begin(
    name: string,
    kind: 'register' | 'login',
    params: Record<string, unknown>,
    mediation?: 'conditional' | 'optional',
  ): Promise<void>;
  abort(name: string): void;
  settle(name: string): Promise<Outcome<unknown>> | undefined;
  alreadyAborted(params: Record<string, unknown>): Promise<Outcome<keyward.RegistrationResponseJSON>>;
  removeNativeJSON(): string;
  browserCalls(): { create: number; get: number };
  supports(): Promise<{
    webAuthn: boolean;
    platform: boolean;
    autofill: boolean;
    capabilities: keyward.ClientCapabilities | null;
  }>;
  signals(
    rpId: string,
    userId: string,
    credentialId: string,
  ): Promise<Outcome<{ unknown: boolean; accepted: boolean; details: boolean }>>;
}

/** Options, response and the server's verdict of one ceremony. */
export interface CeremonyResult<R> {
  options: unknown;
  response: R;
  verified: Record<string, unknown>;
}

const drivers: Drivers = {
  keyward,
  /** Options from the server, the ceremony, then the server's verdict. */
  register: (params: Record<string, unknown>) =>
    outcome(async () => {
      const options = await post<keyward.PublicKeyCredentialCreationOptionsJSON>('/api/register/options', params);
      const response = await keyward.startRegistration(options);
      const verified = await post<Record<string, unknown>>('/api/register/verify', { user: params['user'], response });
      return { options, response, verified };
    }),
  login: (params: Record<string, unknown>, mediation?: 'conditional' | 'optional') =>
    outcome(async () => {
      const options = await post<keyward.PublicKeyCredentialRequestOptionsJSON>('/api/login/options', params);
      const response = await keyward.startAuthentication(options, mediation ? { mediation } : {});
      const verified = await post<Record<string, unknown>>('/api/login/verify', { user: params['user'], response });
      return { options, response, verified };
    }),
  /** Runs a ceremony on literal options (no server): for the error paths. */
  createWith: (options: keyward.PublicKeyCredentialCreationOptionsJSON) =>
    outcome(() => keyward.startRegistration(options)),
  getWith: (options: keyward.PublicKeyCredentialRequestOptionsJSON) =>
    outcome(() => keyward.startAuthentication(options)),
  /** Starts a ceremony and leaves it pending under `name`. */
  begin: async (name, kind, params, mediation) => {
    const controller = new AbortController();
    const signal = controller.signal;
    const options = { signal, ...(mediation && { mediation }) };
    const before = { ...calls };
    if (kind === 'register') {
      const json = await post<keyward.PublicKeyCredentialCreationOptionsJSON>('/api/register/options', params);
      pending.set(name, { controller, promise: outcome(() => keyward.startRegistration(json, options)) });
    } else {
      const json = await post<keyward.PublicKeyCredentialRequestOptionsJSON>('/api/login/options', params);
      pending.set(name, { controller, promise: outcome(() => keyward.startAuthentication(json, options)) });
    }
    // Returns once the browser has the request (the guard in the test bounds the wait).
    await until(() => calls.create + calls.get > before.create + before.get);
    // One round trip to the browser, so a request it refuses at once has settled by now.
    await PublicKeyCredential.getClientCapabilities();
  },
  abort: (name: string) => pending.get(name)?.controller.abort(),
  settle: (name: string) => pending.get(name)?.promise,
  /** A signal that is already aborted: the browser must never be asked. */
  alreadyAborted: (params: Record<string, unknown>) =>
    outcome(async () => {
      const options = await post<keyward.PublicKeyCredentialCreationOptionsJSON>('/api/register/options', params);
      return keyward.startRegistration(options, { signal: AbortSignal.abort() });
    }),
  /** Removes the native JSON helpers, so the package's own conversions run. */
  removeNativeJSON: () => {
    const pkc = PublicKeyCredential as unknown as Record<string, unknown>;
    delete pkc['parseCreationOptionsFromJSON'];
    delete pkc['parseRequestOptionsFromJSON'];
    delete (PublicKeyCredential.prototype as unknown as Record<string, unknown>)['toJSON'];
    return typeof PublicKeyCredential.prototype.toJSON;
  },
  browserCalls: () => ({ ...calls }),
  supports: async () => ({
    webAuthn: keyward.browserSupportsWebAuthn(),
    platform: await keyward.platformAuthenticatorIsAvailable(),
    autofill: await keyward.browserSupportsWebAuthnAutofill(),
    capabilities: (await keyward.getClientCapabilities()) ?? null,
  }),
  signals: (rpId: string, userId: string, credentialId: string) =>
    outcome(async () => ({
      unknown: await keyward.signalUnknownCredential({ rpId, credentialId }),
      accepted: await keyward.signalAllAcceptedCredentials({ rpId, userId, allAcceptedCredentialIds: [credentialId] }),
      details: await keyward.signalCurrentUserDetails({ rpId, userId, name: 'renamed', displayName: 'Renamed' }),
    })),
};

(window as unknown as { keyward: Drivers }).keyward = drivers;
document.body.dataset['ready'] = 'true';
