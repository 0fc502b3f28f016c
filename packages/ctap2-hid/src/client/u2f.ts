/**
 * Internal: CTAP1/U2F fallback for keys without CTAP2 (CTAP 2.1 §10 and the U2F raw message
 * formats): makeCredential as U2F_REGISTER, getAssertion as U2F_AUTHENTICATE, answers converted
 * into the CTAP2 shapes (fmt `fido-u2f`).
 */
import { ByteReader, concatBytes, encodeCanonicalCbor, utf8ToBytes } from '@keyward/internal';
import { sha256 } from '@noble/hashes/sha2.js';
import { CTAP2_STATUS, CTAPHID_CMD, U2F } from '../ctap2/constants.ts';
import { CtapError, malformed } from '../errors.ts';
import type { CallOptions, CtapHidChannel } from '../hid/channel.ts';
import { parseAuthenticatorData } from './authenticator-data.ts';
import type { AssertionResult, GetAssertionParams, MakeCredentialParams, MakeCredentialResult } from './credentials.ts';

/** Internal: sends one extended-length APDU and returns the data and status word. */
export async function u2fApdu(
  channel: CtapHidChannel,
  ins: number,
  p1: number,
  data: Uint8Array,
  options: CallOptions,
): Promise<{ data: Uint8Array; sw: number }> {
  const header = Uint8Array.of(0x00, ins, p1, 0x00, 0x00, (data.length >> 8) & 0xff, data.length & 0xff);
  const answer = await channel.call(CTAPHID_CMD.MSG, concatBytes(header, data, Uint8Array.of(0x00, 0x00)), options);
  if (answer.length < 2)
    throw new CtapError('ERR_MALFORMED', `U2F answer of ${answer.length} bytes has no status word`);
  const sw = ((answer[answer.length - 2] as number) << 8) | (answer[answer.length - 1] as number);
  return { data: answer.subarray(0, answer.length - 2), sw };
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new CtapError('ERR_CANCELLED', 'the request was cancelled', { cause: signal.reason }));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new CtapError('ERR_CANCELLED', 'the request was cancelled', { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Repeats an APDU while the key answers "touch needed" (SW_CONDITIONS_NOT_SATISFIED). */
async function untilTouched(
  channel: CtapHidChannel,
  ins: number,
  p1: number,
  data: Uint8Array,
  options: CallOptions,
): Promise<Uint8Array> {
  const end = Date.now() + (options.operationTimeoutMs ?? 30_000);
  let prompted = false;
  for (;;) {
    const { data: body, sw } = await u2fApdu(channel, ins, p1, data, options);
    if (sw === U2F.SW_NO_ERROR) return body;
    if (sw !== U2F.SW_CONDITIONS_NOT_SATISFIED) throw u2fError(sw);
    if (!prompted) {
      prompted = true;
      options.onKeepalive?.('upNeeded');
    }
    if (Date.now() >= end) throw CtapError.fromStatus(CTAP2_STATUS.CTAP2_ERR_USER_ACTION_TIMEOUT, 'U2F');
    await delay(100, options.signal);
  }
}

function u2fError(sw: number): Error {
  if (sw === U2F.SW_WRONG_DATA) return CtapError.fromStatus(CTAP2_STATUS.CTAP2_ERR_NO_CREDENTIALS, 'U2F');
  return new CtapError('ERR_U2F_STATUS', `the U2F key answered status word 0x${sw.toString(16)}`, { u2fStatus: sw });
}

function derLength(bytes: Uint8Array, offset: number): number {
  // An X.509 certificate is one DER SEQUENCE: 0x30, then a short or long-form length.
  const reader = new ByteReader(bytes.subarray(offset), (m) => malformed(`U2F attestation certificate: ${m}`));
  if (reader.u8('tag') !== 0x30) throw malformed('U2F attestation certificate is not a DER SEQUENCE');
  const first = reader.u8('length');
  let length = first;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count < 1 || count > 3) throw malformed('U2F attestation certificate has an unsupported length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + reader.u8('length');
  }
  reader.take(length, 'certificate');
  return reader.offset;
}

/** makeCredential through U2F_REGISTER. */
export async function u2fMakeCredential(
  channel: CtapHidChannel,
  params: MakeCredentialParams,
  options: CallOptions,
): Promise<MakeCredentialResult> {
  if (params.options?.rk || params.options?.uv || params.pinUvAuthToken) {
    throw new CtapError('ERR_UNSUPPORTED', 'this U2F-only key cannot make discoverable or user-verified credentials');
  }
  if (!params.pubKeyCredParams.some((p) => p.alg === -7)) {
    throw CtapError.fromStatus(CTAP2_STATUS.CTAP2_ERR_UNSUPPORTED_ALGORITHM, 'U2F register');
  }
  const appParam = sha256(utf8ToBytes(params.rp.id));
  for (const excluded of params.excludeList ?? []) {
    if (excluded.id.length > 255) continue;
    const probe = concatBytes(params.clientDataHash, appParam, Uint8Array.of(excluded.id.length), excluded.id);
    const { sw } = await u2fApdu(channel, U2F.INS_AUTHENTICATE, U2F.AUTH_CHECK_ONLY, probe, options);
    if (sw === U2F.SW_CONDITIONS_NOT_SATISFIED) {
      // CTAP 2.1 §10.2: wait for a touch (a register to a dummy app), then report the exclusion.
      await untilTouched(channel, U2F.INS_REGISTER, 0, new Uint8Array(64), options);
      throw CtapError.fromStatus(CTAP2_STATUS.CTAP2_ERR_CREDENTIAL_EXCLUDED, 'U2F register');
    }
  }
  const body = await untilTouched(channel, U2F.INS_REGISTER, 0, concatBytes(params.clientDataHash, appParam), options);
  const reader = new ByteReader(body, (m) => malformed(`U2F register answer: ${m}`));
  if (reader.u8('reserved') !== 0x05) throw malformed('U2F register answer does not start with 0x05');
  const publicKey = reader.take(65, 'public key');
  if (publicKey[0] !== 0x04) throw malformed('U2F register answer has a compressed or invalid public key');
  const keyHandle = reader.take(reader.u8('key handle length'), 'key handle').slice();
  const certLength = derLength(body, reader.offset);
  const cert = reader.take(certLength, 'certificate').slice();
  const signature = reader.rest().slice();
  if (signature.length === 0) throw malformed('U2F register answer has no signature');
  const coseKey = encodeCanonicalCbor(
    new Map<unknown, unknown>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, publicKey.slice(1, 33)],
      [-3, publicKey.slice(33, 65)],
    ]),
  );
  const idLength = Uint8Array.of(0, keyHandle.length);
  const authData = concatBytes(
    appParam,
    Uint8Array.of(0x41),
    new Uint8Array(4),
    new Uint8Array(16),
    idLength,
    keyHandle,
    coseKey,
  );
  const attStmt = new Map<unknown, unknown>([
    ['sig', signature],
    ['x5c', [cert]],
  ]);
  return {
    fmt: 'fido-u2f',
    authData,
    attStmt,
    attestationObject: encodeCanonicalCbor(
      new Map<unknown, unknown>([
        ['fmt', 'fido-u2f'],
        ['attStmt', attStmt],
        ['authData', authData],
      ]),
    ),
    authenticatorData: parseAuthenticatorData(authData),
    credentialId: keyHandle,
  };
}

/** getAssertion through U2F_AUTHENTICATE: the first allowed key handle the key recognises. */
export async function u2fGetAssertion(
  channel: CtapHidChannel,
  params: GetAssertionParams,
  options: CallOptions,
): Promise<AssertionResult> {
  if (params.options?.uv || params.pinUvAuthToken) {
    throw new CtapError('ERR_UNSUPPORTED', 'this U2F-only key cannot verify the user');
  }
  const appParam = sha256(utf8ToBytes(params.rpId));
  for (const credential of params.allowList ?? []) {
    if (credential.id.length > 255) continue;
    const data = concatBytes(params.clientDataHash, appParam, Uint8Array.of(credential.id.length), credential.id);
    const { sw } = await u2fApdu(channel, U2F.INS_AUTHENTICATE, U2F.AUTH_CHECK_ONLY, data, options);
    if (sw !== U2F.SW_CONDITIONS_NOT_SATISFIED) continue;
    const body = await untilTouched(channel, U2F.INS_AUTHENTICATE, U2F.AUTH_ENFORCE, data, options);
    if (body.length < 6) throw malformed(`U2F authenticate answer of ${body.length} bytes`);
    // The U2F signature covers appParam ‖ flags ‖ counter ‖ challenge, which is authData ‖ clientDataHash.
    const authData = concatBytes(appParam, body.subarray(0, 5));
    return {
      credential: { type: 'public-key', id: credential.id },
      authData,
      authenticatorData: parseAuthenticatorData(authData),
      signature: body.slice(5),
    };
  }
  throw CtapError.fromStatus(CTAP2_STATUS.CTAP2_ERR_NO_CREDENTIALS, 'U2F authenticate');
}

/** Waits for a touch on a U2F key (a register to a dummy app), for selection. */
export async function u2fWaitForTouch(channel: CtapHidChannel, options: CallOptions): Promise<void> {
  await untilTouched(channel, U2F.INS_REGISTER, 0, new Uint8Array(64), options);
}
