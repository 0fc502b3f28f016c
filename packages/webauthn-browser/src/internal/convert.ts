import { WebAuthnBrowserError } from '../errors.ts';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialDescriptorJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '../types.ts';
import { decode, encode } from './base64url.ts';

// The fallbacks below do what PublicKeyCredential.parse…FromJSON and toJSON do (WebAuthn L3
// §5.1.8, §5.1.9, §5.1.10) for browsers that lack them.

function descriptors(list: PublicKeyCredentialDescriptorJSON[] | undefined, field: string) {
  return list?.map((d, i) => ({ ...d, id: decode(d.id, `${field}[${i}].id`) }));
}

/**
 * Decodes the extension inputs that carry bytes: `prf` (WebAuthn L3 §10.1.4) and
 * `largeBlob.write` (§10.1.5). Others pass through as given.
 */
function extensions(inputs: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!inputs) return inputs;
  const out = { ...inputs };
  const prf = inputs['prf'] as { eval?: Record<string, string>; evalByCredential?: Record<string, object> } | undefined;
  if (prf) {
    const values = (v: Record<string, string>) => ({
      first: decode(v['first'], 'prf'),
      ...(v['second'] && { second: decode(v['second'], 'prf') }),
    });
    const byCredential: Record<string, object> = {};
    for (const [id, v] of Object.entries(prf.evalByCredential ?? {}))
      byCredential[id] = values(v as Record<string, string>);
    out['prf'] = {
      ...(prf.eval && { eval: values(prf.eval) }),
      ...(prf.evalByCredential && { evalByCredential: byCredential }),
    };
  }
  const blob = inputs['largeBlob'] as { write?: string } | undefined;
  if (blob?.write !== undefined) out['largeBlob'] = { ...blob, write: decode(blob.write, 'largeBlob.write') };
  return out;
}

/** `PublicKeyCredential.parseCreationOptionsFromJSON` for browsers without it. */
export function creationOptionsFromJSON(
  json: PublicKeyCredentialCreationOptionsJSON,
): PublicKeyCredentialCreationOptions {
  return {
    ...json,
    challenge: decode(json.challenge, 'challenge'),
    user: { ...json.user, id: decode(json.user.id, 'user.id') },
    excludeCredentials: descriptors(json.excludeCredentials, 'excludeCredentials'),
    extensions: extensions(json.extensions),
  } as PublicKeyCredentialCreationOptions;
}

/** `PublicKeyCredential.parseRequestOptionsFromJSON` for browsers without it. */
export function requestOptionsFromJSON(json: PublicKeyCredentialRequestOptionsJSON): PublicKeyCredentialRequestOptions {
  return {
    ...json,
    challenge: decode(json.challenge, 'challenge'),
    allowCredentials: descriptors(json.allowCredentials, 'allowCredentials'),
    extensions: extensions(json.extensions),
  } as PublicKeyCredentialRequestOptions;
}

/** Extension outputs to JSON: every ArrayBuffer or view becomes base64url, recursively. */
export function toJSONValue(value: unknown): unknown {
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return encode(value as ArrayBuffer);
  if (Array.isArray(value)) return value.map(toJSONValue);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toJSONValue(v);
    return out;
  }
  return value;
}

type Json = RegistrationResponseJSON | AuthenticationResponseJSON;

// Methods of the response interfaces that not every browser has (all optional here).
interface AnyResponse {
  clientDataJSON: ArrayBuffer;
  attestationObject?: ArrayBuffer;
  authenticatorData?: ArrayBuffer;
  signature?: ArrayBuffer;
  userHandle?: ArrayBuffer | null;
  getTransports?(): string[];
  getPublicKey?(): ArrayBuffer | null;
  getPublicKeyAlgorithm?(): number;
  getAuthenticatorData?(): ArrayBuffer;
}

/**
 * `PublicKeyCredential.toJSON()`, or the same built by hand (`ERR_UNKNOWN` for no credential) where it is missing or broken (some
 * password-manager extensions replace `PublicKeyCredential` and leave `toJSON` out).
 */
export function credentialToJSON<T extends Json>(credential: PublicKeyCredential | null): T {
  if (!credential) throw new WebAuthnBrowserError('ERR_UNKNOWN', 'the browser returned no credential');
  try {
    if (typeof credential.toJSON === 'function') return credential.toJSON() as T;
  } catch {
    // fall through to the hand-built form
  }
  const r = credential.response as unknown as AnyResponse;
  let response: Record<string, unknown>;
  if (r.attestationObject) {
    const key = r.getPublicKey?.();
    response = {
      clientDataJSON: encode(r.clientDataJSON),
      attestationObject: encode(r.attestationObject),
      authenticatorData: r.getAuthenticatorData && encode(r.getAuthenticatorData()),
      transports: r.getTransports?.() ?? [],
      publicKeyAlgorithm: r.getPublicKeyAlgorithm?.(),
      ...(key && { publicKey: encode(key) }),
    };
  } else {
    response = {
      clientDataJSON: encode(r.clientDataJSON),
      authenticatorData: encode(r.authenticatorData as ArrayBuffer),
      signature: encode(r.signature as ArrayBuffer),
      ...(r.userHandle && { userHandle: encode(r.userHandle) }),
    };
  }
  return {
    id: credential.id,
    rawId: encode(credential.rawId),
    type: credential.type,
    response,
    ...(credential.authenticatorAttachment && { authenticatorAttachment: credential.authenticatorAttachment }),
    clientExtensionResults: toJSONValue(credential.getClientExtensionResults()),
  } as unknown as T;
}
