import { describe, expect, it } from 'vitest';
import { buildOtpauthUri, parseOtpauthUri } from './otpauth-uri.ts';

const secret = new TextEncoder().encode('12345678901234567890');
const B32 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('buildOtpauthUri', () => {
  it('writes the issuer in label and parameter, %20 for spaces, and every parameter', () => {
    expect(buildOtpauthUri({ secret, issuer: 'ACME Co', accountName: 'john.doe@email.com' })).toBe(
      `otpauth://totp/ACME%20Co:john.doe%40email.com?secret=${B32}&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30`,
    );
  });

  it('writes hotp with a counter and other algorithms, digits and period', () => {
    expect(
      buildOtpauthUri({
        secret,
        issuer: 'X',
        accountName: 'a',
        type: 'hotp',
        counter: 7,
        algorithm: 'SHA-512',
        digits: 8,
      }),
    ).toBe(`otpauth://hotp/X:a?secret=${B32}&issuer=X&algorithm=SHA512&digits=8&counter=7`);
    expect(buildOtpauthUri({ secret, issuer: 'X', accountName: 'a', algorithm: 'SHA-256', period: 60 })).toMatch(
      /&algorithm=SHA256&digits=6&period=60$/,
    );
    expect(buildOtpauthUri({ secret, issuer: 'X', accountName: 'a', type: 'hotp' })).toMatch(/&counter=0$/);
  });

  it('normalises a base32 secret and leaves out an empty issuer', () => {
    expect(buildOtpauthUri({ secret: 'gezd gnbv gy3t qojq gezd gnbv gy3t qojq', issuer: '', accountName: 'bob' })).toBe(
      `otpauth://totp/bob?secret=${B32}&algorithm=SHA1&digits=6&period=30`,
    );
  });

  it('percent-encodes reserved and non-ASCII characters', () => {
    const uri = buildOtpauthUri({ secret, issuer: 'A&B=C?/#+', accountName: 'ü ñ 😀' });
    expect(uri).toContain('A%26B%3DC%3F%2F%23%2B:%C3%BC%20%C3%B1%20%F0%9F%98%80?');
    expect(parseOtpauthUri(uri)).toMatchObject({ issuer: 'A&B=C?/#+', accountName: 'ü ñ 😀' });
  });

  it('rejects colons, empty or space-led account names and bad Unicode with ERR_INVALID_OPTIONS', () => {
    const cases = [
      { issuer: 'A:B', accountName: 'a' },
      { issuer: 'A', accountName: 'a:b' },
      { issuer: 'A', accountName: '' },
      { issuer: 'A', accountName: ' a' },
      { issuer: 'A', accountName: '\ud800' },
      { issuer: '\udc00', accountName: 'a' },
      { issuer: 1 as unknown as string, accountName: 'a' },
      { issuer: 'A', accountName: undefined as unknown as string },
    ];
    for (const names of cases) {
      expect(() => buildOtpauthUri({ secret, ...names }), JSON.stringify(names)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }),
      );
    }
  });

  it('rejects parameters that do not belong to the type, or are out of range', () => {
    const base = { secret, issuer: 'A', accountName: 'a' };
    for (const extra of [
      { counter: 1 },
      { type: 'hotp' as const, period: 30 },
      { type: 'hotp' as const, counter: -1 },
      { type: 'motp' as 'totp' },
      { digits: 5 },
      { period: 0 },
    ]) {
      expect(() => buildOtpauthUri({ ...base, ...extra }), JSON.stringify(extra)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }),
      );
    }
    expect(() => buildOtpauthUri({ ...base, algorithm: 'SHA-3' as 'SHA-1' })).toThrow(
      expect.objectContaining({ code: 'ERR_UNSUPPORTED_ALGORITHM' }),
    );
    expect(() => buildOtpauthUri({ ...base, secret: new Uint8Array(3) })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_SECRET' }),
    );
  });
});

describe('parseOtpauthUri', () => {
  const q = `secret=${B32}`;

  it('reads defaults when only the secret is given', () => {
    expect(parseOtpauthUri(`otpauth://totp/alice?${q}`)).toEqual({
      type: 'totp',
      secret,
      issuer: '',
      accountName: 'alice',
      algorithm: 'SHA-1',
      digits: 6,
      period: 30,
    });
  });

  it('accepts : and %3A (any case) as separator, and strips spaces before the account', () => {
    for (const label of ['Big%20Co:alice', 'Big%20Co%3Aalice', 'Big%20Co%3a%20%20alice', 'Big Co: alice']) {
      expect(parseOtpauthUri(`otpauth://totp/${label}?${q}`), label).toMatchObject({
        issuer: 'Big Co',
        accountName: 'alice',
      });
    }
  });

  it('prefers the issuer parameter when it differs from the label prefix', () => {
    expect(parseOtpauthUri(`otpauth://totp/Contoso:alice?${q}&issuer=Microsoft`)).toMatchObject({
      issuer: 'Microsoft',
      accountName: 'alice',
    });
    expect(parseOtpauthUri(`otpauth://totp/Contoso:alice?${q}&issuer=`)).toMatchObject({ issuer: 'Contoso' });
  });

  it('takes + literally, reads names and values in any case, ignores unknown parameters and fragments', () => {
    expect(
      parseOtpauthUri(
        `OTPAUTH://TOTP/x?SECRET=${B32.toLowerCase()}&Issuer=ACME+Co&ALGORITHM=sha256&image=https%3A%2F%2Fx#frag`,
      ),
    ).toMatchObject({ type: 'totp', secret, issuer: 'ACME+Co', algorithm: 'SHA-256' });
  });

  it('reads hotp counters, digits and periods', () => {
    expect(parseOtpauthUri(`otpauth://hotp/x?${q}&counter=9007199254740991&digits=10&period=60`)).toMatchObject({
      type: 'hotp',
      counter: Number.MAX_SAFE_INTEGER,
      digits: 10,
      period: 60,
    });
  });

  it('rejects malformed URIs with ERR_INVALID_URI', () => {
    const bad = [
      '',
      'https://totp/x?secret=' + B32,
      `otpauth://totp?${q}`,
      `otpauth://motp/x?${q}`,
      'otpauth://totp/x',
      'otpauth://totp/x?secret=',
      'otpauth://totp/x?secret=0189',
      'otpauth://totp/x?secret=GEZDGNBV',
      `otpauth://totp/%E0%A4%A?${q}`,
      `otpauth://totp/x?${q}&issuer=%ZZ`,
      `otpauth://totp/x?${q}&secret=${B32}`,
      `otpauth://totp/x?${q}&digits=5`,
      `otpauth://totp/x?${q}&digits=11`,
      `otpauth://totp/x?${q}&digits=six`,
      `otpauth://totp/x?${q}&period=0`,
      `otpauth://totp/x?${q}&period=-30`,
      `otpauth://totp/x?${q}&period=1e3`,
      `otpauth://hotp/x?${q}`,
      `otpauth://hotp/x?${q}&counter=-1`,
      `otpauth://hotp/x?${q}&counter=9007199254740992`,
      `otpauth://totp/x?${q}&pad=${'a'.repeat(4100)}`,
      42 as unknown as string,
    ];
    for (const uri of bad) {
      expect(() => parseOtpauthUri(uri), String(uri).slice(0, 80)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_URI' }),
      );
    }
  });

  it('rejects other algorithms with ERR_UNSUPPORTED_ALGORITHM', () => {
    expect(() => parseOtpauthUri(`otpauth://totp/x?${q}&algorithm=MD5`)).toThrow(
      expect.objectContaining({ code: 'ERR_UNSUPPORTED_ALGORITHM' }),
    );
  });
});
