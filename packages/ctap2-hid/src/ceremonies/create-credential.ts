/** Registration with a security key from Node: options JSON in, RegistrationResponseJSON out. */
import { bytesToBase64url, concatBytes, encodeCanonicalCbor } from '@keyward/internal';
import { decodeValue, read } from '../client/cbor.ts';
import type { Ctap2Client } from '../client/ctap2-client.ts';
import { PIN_PERMISSION } from '../ctap2/constants.ts';
import { CtapError, isCtapError } from '../errors.ts';
import {
  type CeremonyOptions,
  clientData,
  descriptors,
  fromB64u,
  resolveRpId,
  userVerification,
  withTimeout,
} from './common.ts';
import type { PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON } from './types.ts';

const P256_SPKI_PREFIX = /* @__PURE__ */ Uint8Array.from([
  0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
  0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04,
]);
const ED25519_SPKI_PREFIX = /* @__PURE__ */ Uint8Array.from([
  0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
]);

function spki(coseKey: Map<unknown, unknown>): Uint8Array | undefined {
  const c = 'credentialPublicKey';
  const alg = read.int(coseKey, 3, c);
  const x = read.bytes(coseKey, -2, c);
  if (alg === -7) {
    const y = read.bytes(coseKey, -3, c);
    if (x?.length === 32 && y?.length === 32) return concatBytes(P256_SPKI_PREFIX, x, y);
  }
  if (alg === -8 && x?.length === 32) return concatBytes(ED25519_SPKI_PREFIX, x);
  return undefined;
}

/**
 * Registers a security key the way a browser's `navigator.credentials.create()` does, for Node
 * programs: builds clientDataJSON for `origin`, asks the key to make a credential (with the PIN
 * when given and needed) and returns the `RegistrationResponseJSON` that
 * `verifyRegistrationResponse` of `@keyward/webauthn-server` takes.
 *
 * @param client - The key.
 * @param optionsJSON - The options from `generateRegistrationOptions`.
 * @param options - The origin, the PIN, cancellation and the touch prompt (`onKeepalive`).
 * @returns The registration response.
 * @throws {@link CtapError} `ERR_INVALID_ARGUMENT` (bad origin, RP ID or base64url), `ERR_PIN_REQUIRED`,
 * `ERR_PIN_TOO_SHORT`, `ERR_CANCELLED`, `ERR_TIMEOUT`.
 * @throws {@link CtapError} `CTAP2_ERR_CREDENTIAL_EXCLUDED` (already registered), `CTAP2_ERR_PIN_INVALID`, …
 * @example
 * ```ts
 * const optionsJSON = await generateRegistrationOptions({ rpName: 'Example', rpID: 'example.com', userName: 'alice' });
 * const response = await createCredential(client, optionsJSON, {
 *   origin: 'https://example.com',
 *   pin: '123456',
 *   onKeepalive: (status) => status === 'upNeeded' && console.log('Touch your security key'),
 * });
 * ```
 */
export async function createCredential(
  client: Ctap2Client,
  optionsJSON: PublicKeyCredentialCreationOptionsJSON,
  options: CeremonyOptions,
): Promise<RegistrationResponseJSON> {
  const rpId = resolveRpId(options.origin, optionsJSON.rp?.id);
  const { json, hash } = clientData(
    'webauthn.create',
    optionsJSON.challenge,
    options.origin,
    options.crossOrigin ?? false,
  );
  const info = client.info ?? (await client.getInfo(options));
  const selection = optionsJSON.authenticatorSelection ?? {};
  const wantRk =
    selection.residentKey === 'required' ||
    (selection.residentKey === undefined && selection.requireResidentKey === true) ||
    (selection.residentKey === 'preferred' &&
      info.options.rk === true &&
      (options.pin !== undefined || info.options.clientPin !== true));
  const uv = await userVerification(
    client,
    wantRk && selection.userVerification !== 'discouraged'
      ? (selection.userVerification ?? 'preferred')
      : selection.userVerification,
    options.pin,
    PIN_PERMISSION.mc,
    rpId,
    options,
  );
  const userId = fromB64u(optionsJSON.user.id, 'user.id');
  const call = {
    clientDataHash: hash,
    rp: { id: rpId, name: optionsJSON.rp.name },
    user: { id: userId, name: optionsJSON.user.name, displayName: optionsJSON.user.displayName },
    pubKeyCredParams: optionsJSON.pubKeyCredParams,
    excludeList: descriptors(optionsJSON.excludeCredentials, 'excludeCredentials'),
    options: { ...(wantRk ? { rk: true } : {}), ...(uv.uv ? { uv: true } : {}) },
    ...(uv.token ? { pinUvAuthToken: uv.token } : {}),
  };
  let result: Awaited<ReturnType<Ctap2Client['makeCredential']>>;
  try {
    result = await client.makeCredential(call, withTimeout(options, optionsJSON.timeout));
  } catch (error) {
    if (isCtapError(error) && error.code === 'CTAP2_ERR_PUAT_REQUIRED' && options.pin === undefined) {
      throw new CtapError('ERR_PIN_REQUIRED', 'the key needs its PIN to register: pass `pin`', { cause: error });
    }
    throw error;
  }
  const attested = result.authenticatorData.attestedCredentialData;
  if (!attested) throw new CtapError('ERR_MALFORMED', 'makeCredential: no attested credential data');
  const coseKey = decodeValue(attested.credentialPublicKey, 'credentialPublicKey') as Map<unknown, unknown>;
  const alg = read.int(coseKey, 3, 'credentialPublicKey');
  // WebAuthn §5.4.7: with `none` (the default) the client may replace the attestation statement.
  const attestationObject =
    optionsJSON.attestation === undefined || optionsJSON.attestation === 'none'
      ? encodeCanonicalCbor(
          new Map<unknown, unknown>([
            ['fmt', 'none'],
            ['attStmt', new Map()],
            ['authData', result.authData],
          ]),
        )
      : result.attestationObject;
  const id = bytesToBase64url(result.credentialId);
  const response: RegistrationResponseJSON['response'] = {
    clientDataJSON: bytesToBase64url(json),
    attestationObject: bytesToBase64url(attestationObject),
    authenticatorData: bytesToBase64url(result.authData),
    transports: ['usb'],
  };
  if (alg !== undefined) response.publicKeyAlgorithm = alg;
  const publicKey = spki(coseKey);
  if (publicKey) response.publicKey = bytesToBase64url(publicKey);
  const clientExtensionResults: Record<string, unknown> = {};
  if (optionsJSON.extensions?.credProps === true) clientExtensionResults.credProps = { rk: wantRk };
  return {
    id,
    rawId: id,
    response,
    authenticatorAttachment: 'cross-platform',
    clientExtensionResults,
    type: 'public-key',
  };
}
