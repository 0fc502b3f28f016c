/** Internal: authenticatorData (WebAuthn §6.1) and shared bits of makeCredential/getAssertion. */
import { concatBytes, encodeCanonicalCbor } from '@keyward/internal';
import { CTAP2_STATUS } from '../ctap2/constants.ts';
import { bytesParam, type CborMap } from './cbor-params.ts';
import type { CommandContext, Core } from './core.ts';
import { fail } from './status.ts';

/** authenticatorData flags. */
export const FLAG = { UP: 0x01, UV: 0x04, AT: 0x40, ED: 0x80 } as const;

/** Builds authenticatorData. */
export function buildAuthData(
  rpIdHash: Uint8Array,
  flags: number,
  signCount: number,
  attested?: { aaguid: Uint8Array; credentialId: Uint8Array; publicKey: Map<number, unknown> },
  extensions?: Map<string, unknown>,
): Uint8Array {
  const head = new Uint8Array(37);
  head.set(rpIdHash, 0);
  const hasExtensions = extensions !== undefined && extensions.size > 0;
  head[32] = flags | (attested ? FLAG.AT : 0) | (hasExtensions ? FLAG.ED : 0);
  new DataView(head.buffer).setUint32(33, signCount >>> 0);
  const parts: Uint8Array[] = [head];
  if (attested) {
    const length = new Uint8Array([attested.credentialId.length >> 8, attested.credentialId.length & 0xff]);
    parts.push(attested.aaguid, length, attested.credentialId, encodeCanonicalCbor(attested.publicKey));
  }
  if (hasExtensions) parts.push(encodeCanonicalCbor(extensions));
  return concatBytes(...parts);
}

/**
 * Step 1 of §6.1.2 and §6.2.2: a zero-length pinUvAuthParam asks for a touch (platforms use it to
 * let the user pick a key), then answers PIN_INVALID when a PIN is set, PIN_NOT_SET when not.
 * Returns the pinUvAuthParam when there is a real one.
 */
export async function pinUvAuthProbe(
  core: Core,
  request: CborMap,
  key: number,
  rpId: string | undefined,
  context: CommandContext,
): Promise<Uint8Array | undefined> {
  const param = bytesParam(request, key, false, 'pinUvAuthParam');
  if (param === undefined || param.length > 0) return param;
  await core.userPresence('pinUvAuthProbe', rpId, context, CTAP2_STATUS.CTAP2_ERR_OPERATION_DENIED);
  return fail(core.pinSet ? CTAP2_STATUS.CTAP2_ERR_PIN_INVALID : CTAP2_STATUS.CTAP2_ERR_PIN_NOT_SET);
}

/** Reads the `options` map: only booleans are accepted for the keys we know; others are ignored. */
export function readOptions(options: CborMap | undefined): Map<string, boolean> {
  const out = new Map<string, boolean>();
  if (!options) return out;
  for (const [key, value] of options) {
    if (typeof key !== 'string') fail(CTAP2_STATUS.CTAP2_ERR_CBOR_UNEXPECTED_TYPE, 'option key');
    if (key === 'rk' || key === 'up' || key === 'uv') {
      if (typeof value !== 'boolean') fail(CTAP2_STATUS.CTAP2_ERR_CBOR_UNEXPECTED_TYPE, `option ${key}`);
      out.set(key, value);
    }
  }
  return out;
}
