import { bytesToBase64url, utf8ToBytes } from '@keyward/internal';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWebAuthnError } from '../errors.ts';
import { derSignatureToP1363 } from '../internal/der.ts';
import { jwsSignatureInput, parseCompactJws, standardBase64ToBytes } from './jws.ts';

const part = (value: unknown): string => bytesToBase64url(utf8ToBytes(JSON.stringify(value)));

describe('standardBase64ToBytes', () => {
  it('decodes padded and unpadded standard base64', () => {
    expect(standardBase64ToBytes('+/8=', 'x')).toEqual(Uint8Array.of(0xfb, 0xff));
    expect(standardBase64ToBytes('+/8', 'x')).toEqual(Uint8Array.of(0xfb, 0xff));
    expect(standardBase64ToBytes('', 'x')).toEqual(new Uint8Array(0));
  });
  it('rejects base64url, bad padding and non-strings', () => {
    for (const bad of ['-_8=', '+/8==', 'A===', '+/9=', 5]) {
      expect(() => standardBase64ToBytes(bad, 'x')).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED' }));
    }
  });
});

describe('parseCompactJws', () => {
  it('splits header, payload, signature and x5c', () => {
    const jws = parseCompactJws(`${part({ alg: 'ES256', x5c: ['AQI='] })}.${part({ a: 1 })}.AAEC`, 'x');
    expect(jws.header.alg).toBe('ES256');
    expect(jws.payload).toEqual({ a: 1 });
    expect(jws.signature).toEqual(Uint8Array.of(0, 1, 2));
    expect(jws.x5c).toEqual([Uint8Array.of(1, 2)]);
  });
  it('refuses padded or standard-alphabet parts, too many certificates and crit', () => {
    for (const bad of [
      `${part({})}=.${part({})}.AA`,
      `${part({})}.${part({})}.A+`,
      `${part({ x5c: Array(17).fill('AA==') })}.${part({})}.AA`,
      `${part({ crit: [] })}.${part({})}.AA`,
    ]) {
      expect(() => parseCompactJws(bad, 'x')).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED' }));
    }
  });
  it('any string gives a JWS or ERR_MALFORMED', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[A-Za-z0-9_.-]{0,60}$/)), (text) => {
        try {
          parseCompactJws(text, 'x');
          return true;
        } catch (error) {
          return isWebAuthnError(error) && error.code === 'ERR_MALFORMED';
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('jwsSignatureInput', () => {
  it('converts ES256/384/512 r||s to DER and back', () => {
    for (const [alg, size, cose] of [
      ['ES256', 32, -7],
      ['ES384', 48, -35],
      ['ES512', 66, -36],
    ] as const) {
      const raw = Uint8Array.from({ length: size * 2 }, (_, i) => (i === 0 || i === size ? 0x80 : i));
      const out = jwsSignatureInput(parseCompactJws(`${part({ alg })}.${part({})}.${bytesToBase64url(raw)}`, 'x'), 'x');
      expect(out.coseAlg).toBe(cose);
      expect(derSignatureToP1363(out.signature, size)).toEqual(raw);
    }
  });
  it('passes RSA/EdDSA signatures through, refuses unknown algs and bad ECDSA lengths', () => {
    expect(jwsSignatureInput(parseCompactJws(`${part({ alg: 'PS256' })}.${part({})}.AAEC`, 'x'), 'x')).toEqual({
      coseAlg: -37,
      signature: Uint8Array.of(0, 1, 2),
    });
    expect(() => jwsSignatureInput(parseCompactJws(`${part({ alg: 'HS256' })}.${part({})}.AA`, 'x'), 'x')).toThrow(
      expect.objectContaining({ code: 'ERR_UNSUPPORTED_ALG' }),
    );
    expect(() => jwsSignatureInput(parseCompactJws(`${part({ alg: '__proto__' })}.${part({})}.AA`, 'x'), 'x')).toThrow(
      expect.objectContaining({ code: 'ERR_UNSUPPORTED_ALG' }),
    );
    expect(() => jwsSignatureInput(parseCompactJws(`${part({ alg: 'ES256' })}.${part({})}.AAEC`, 'x'), 'x')).toThrow(
      expect.objectContaining({ code: 'ERR_MALFORMED' }),
    );
  });
});
