import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateHotpWith } from '../src/hotp.ts';
import { base32Decode, base32Encode, generateHotp, generateTotp, parseOtpauthUri, verifyTotp } from '../src/index.ts';
import {
  defaultBackend,
  findNodeCrypto,
  type HmacBackend,
  nobleBackend,
  nodeBackend,
  truncateBytes,
} from '../src/internal/hmac.ts';
import type { TotpAlgorithm } from '../src/internal/options.ts';
import { generateTotpWith, verifyTotpWith } from '../src/totp.ts';

interface Vector<I, E> {
  id: string;
  source: string;
  section: string;
  input: I;
  expected: E;
}
function load<I, E>(name: string): Vector<I, E>[] {
  return (
    JSON.parse(readFileSync(new URL(`./vectors/${name}`, import.meta.url), 'utf8')) as { vectors: Vector<I, E>[] }
  ).vectors;
}
const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

const hotpVectors = load<
  { secretAscii: string; counter: number; digits: number; algorithm: TotpAlgorithm },
  { hmacHex: string; code: string; truncatedDecimal: number }
>('rfc4226.json');
const totpVectors = load<
  { secretAscii: string; timestamp: number; period: number; digits: number; algorithm: TotpAlgorithm },
  { code: string; step: number }
>('rfc6238.json');

const nodeCrypto = findNodeCrypto();
const backends: HmacBackend[] = [nobleBackend, ...(nodeCrypto ? [nodeBackend(nodeCrypto)] : [])];

describe('HMAC backends', () => {
  it('finds node:crypto through process.getBuiltinModule on Node and prefers it', () => {
    expect(nodeCrypto).toBeDefined();
    expect(backends.map((b) => b.name)).toEqual(['@noble/hashes', 'node:crypto']);
    expect(defaultBackend().name).toBe('node:crypto');
  });
});

describe('RFC 4226 Appendix D dynamic truncation', () => {
  it.each(hotpVectors)('$id: HMAC value truncates to the listed number', ({ id, expected }) => {
    expect(truncateBytes(Uint8Array.from(Buffer.from(expected.hmacHex, 'hex'))), id).toBe(expected.truncatedDecimal);
  });
});

describe.each(backends)('RFC 4226 Appendix D with $name', (backend) => {
  it.each(hotpVectors)('$id', ({ id, input, expected }) => {
    const code = generateHotpWith(backend, { ...input, secret: ascii(input.secretAscii) });
    expect(code, id).toBe(expected.code);
    // 10 digits keep the whole 31-bit truncated value (RFC 4226 §5.3).
    const full = generateHotpWith(backend, { ...input, digits: 10, secret: ascii(input.secretAscii) });
    expect(Number(full), id).toBe(expected.truncatedDecimal);
  });
});

describe.each(backends)('RFC 6238 Appendix B with $name', (backend) => {
  it.each(totpVectors)('$id', ({ id, input, expected }) => {
    const secret = ascii(input.secretAscii);
    expect(generateTotpWith(backend, { ...input, secret }), id).toBe(expected.code);
    // Accepted in its own step, with a window that looks at neighbours first.
    const verified = verifyTotpWith(backend, { ...input, secret, token: expected.code, window: 0 });
    expect(verified, id).toEqual({ ok: true, step: expected.step, delta: 0 });
    // Accepted one step later as delta -1, and one step earlier as delta +1.
    const later = verifyTotpWith(backend, {
      ...input,
      timestamp: input.timestamp + 30_000,
      secret,
      token: expected.code,
    });
    expect(later, id).toEqual({ ok: true, step: expected.step, delta: -1 });
    const earlier = verifyTotpWith(backend, {
      ...input,
      timestamp: input.timestamp - 30_000,
      secret,
      token: expected.code,
    });
    expect(earlier, id).toEqual({ ok: true, step: expected.step, delta: 1 });
  });
});

describe('public functions on the default backend', () => {
  it.each(hotpVectors)('generateHotp $id (base32 secret)', ({ input, expected }) => {
    expect(generateHotp({ ...input, secret: base32Encode(ascii(input.secretAscii)) })).toBe(expected.code);
  });
  it.each(totpVectors)('generateTotp and verifyTotp $id', ({ input, expected }) => {
    const secret = ascii(input.secretAscii);
    expect(generateTotp({ ...input, secret })).toBe(expected.code);
    expect(verifyTotp({ ...input, secret, token: expected.code })).toEqual({ ok: true, step: expected.step, delta: 0 });
  });
});

describe('backends agree beyond the vectors', () => {
  it('gives identical codes for every algorithm, key length and a spread of counters', () => {
    const [noble, node] = backends as [HmacBackend, HmacBackend];
    const algorithms: TotpAlgorithm[] = ['SHA-1', 'SHA-256', 'SHA-512'];
    const counters = [0, 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 40 + 12345, Number.MAX_SAFE_INTEGER];
    for (const algorithm of algorithms) {
      for (const length of [10, 20, 64, 65, 200]) {
        const secret = Uint8Array.from({ length }, (_, i) => (i * 37 + length) & 0xff);
        for (const counter of counters) {
          for (const digits of [6, 8, 10]) {
            const options = { secret, counter, digits, algorithm };
            expect(generateHotpWith(node, options), `${algorithm} ${length} ${counter} ${digits}`).toBe(
              generateHotpWith(noble, options),
            );
          }
        }
      }
    }
  });

  it('keyed state gives the truncated value of each message in turn, on both backends', () => {
    const key = ascii('12345678901234567890');
    for (const backend of backends) {
      const keyed = backend.keyed('sha1', key);
      for (const { id, input, expected } of hotpVectors) {
        const message = new Uint8Array(8);
        message[7] = input.counter;
        expect(keyed(message), `${backend.name} ${id}`).toBe(expected.truncatedDecimal);
        expect(backend.truncated('sha1', key, message), `${backend.name} ${id}`).toBe(expected.truncatedDecimal);
      }
    }
  });
});

describe('RFC 4648 §10 base32', () => {
  it.each(load<{ ascii: string }, { padded: string; unpadded: string }>('rfc4648.json'))(
    '$id',
    ({ id, input, expected }) => {
      expect(base32Encode(ascii(input.ascii)), id).toBe(expected.unpadded);
      expect(base32Encode(ascii(input.ascii), { padding: true }), id).toBe(expected.padded);
      expect(hex(base32Decode(expected.padded)), id).toBe(hex(ascii(input.ascii)));
      expect(hex(base32Decode(expected.unpadded.toLowerCase())), id).toBe(hex(ascii(input.ascii)));
    },
  );
});

describe('Key Uri Format examples', () => {
  it.each(
    load<
      { uri: string },
      {
        type: string;
        secretHex?: string;
        secretBase32?: string;
        issuer: string;
        accountName: string;
        algorithm: string;
        digits: number;
        period: number;
      }
    >('keyuri.json'),
  )('$id', ({ id, input, expected }) => {
    const { secretHex, secretBase32, ...rest } = expected;
    const parsed = parseOtpauthUri(input.uri);
    expect(parsed, id).toMatchObject(rest);
    if (secretHex !== undefined) expect(hex(parsed.secret), id).toBe(secretHex);
    if (secretBase32 !== undefined) expect(base32Encode(parsed.secret), id).toBe(secretBase32);
  });
});
