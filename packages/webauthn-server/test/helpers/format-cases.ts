// Recorded conformance cases (../shared/conformance/webauthn, read in place) turned into the
// input one attestation format verifier receives, for the per-format tests beside each format.
import { readdirSync, readFileSync } from 'node:fs';
import { base64urlToBytes, cborItemEnd, decodeCbor } from '@keyward/internal';
import { sha256 } from '@noble/hashes/sha2.js';
import type { AttestationFormatInput } from '../../src/attestation/types.ts';

const DIR = new URL('../../../../../shared/conformance/webauthn/', import.meta.url);

/** A conformance case as a format verifier's input, with the case's expected outcome. */
export interface FormatCase {
  input: AttestationFormatInput;
  expect: { ok: boolean; code?: string };
}

/** The registration case files whose names match `pattern`. */
export function formatCaseFiles(pattern: RegExp): string[] {
  return readdirSync(DIR).filter((file) => pattern.test(file));
}

/** Decodes one registration case file into a format verifier's input. */
export function loadFormatCase(file: string): FormatCase {
  const c = JSON.parse(readFileSync(new URL(file, DIR), 'utf8'));
  const fail = (m: string): Error => new Error(m);
  const attObj = decodeCbor(base64urlToBytes(c.response.response.attestationObject) as Uint8Array, fail) as Map<
    string,
    unknown
  >;
  const authData = attObj.get('authData') as Uint8Array;
  // authData: rpIdHash(32) flags(1) signCount(4) aaguid(16) credentialIdLength(2) credentialId COSE_Key
  const idLength = ((authData[53] as number) << 8) | (authData[54] as number);
  const keyStart = 55 + idLength;
  const credentialPublicKey = authData.subarray(keyStart, cborItemEnd(authData, keyStart, fail));
  return {
    input: {
      attStmt: attObj.get('attStmt') as Map<unknown, unknown>,
      authData,
      clientDataHash: sha256(base64urlToBytes(c.response.response.clientDataJSON) as Uint8Array),
      aaguid: authData.subarray(37, 53),
      credentialId: authData.subarray(55, keyStart),
      credentialPublicKey,
      credentialAlg: (decodeCbor(credentialPublicKey, fail) as Map<number, unknown>).get(3) as number,
      now: new Date(c.verifyAt ?? '2025-01-01T00:00:00Z'),
    },
    expect: c.expect,
  };
}
