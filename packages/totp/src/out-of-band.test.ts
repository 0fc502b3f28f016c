import { describe, expect, it } from 'vitest';
import { issueOutOfBandCode, type OutOfBandRecord, verifyOutOfBandCode } from './out-of-band.ts';

const NOW = 1_700_000_000_000;
const KEY = new Uint8Array(32).fill(7);

describe('issueOutOfBandCode', () => {
  it('returns a numeric code and a record holding only a salted hash', () => {
    const { code, record } = issueOutOfBandCode({ now: NOW });
    expect(code).toMatch(/^\d{6}$/);
    expect(record).toMatchObject({
      v: 1,
      digits: 6,
      expiresAt: NOW + 600_000,
      attemptsLeft: 5,
      used: false,
      keyed: false,
    });
    expect(JSON.stringify(record)).not.toContain(code);
    expect(record.salt).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(record.hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // JSON round trip: the record is plain data.
    expect(JSON.parse(JSON.stringify(record))).toEqual(record);
  });

  it('salts every record: the same code never gives the same hash', () => {
    const random = (n: number): Uint8Array => new Uint8Array(n).fill(3);
    const a = issueOutOfBandCode({ now: NOW, random });
    const b = issueOutOfBandCode({ now: NOW, random });
    expect(a.code).toBe('333333');
    expect(b.code).toBe(a.code);
    expect(b.record.hash).not.toBe(a.record.hash);
  });

  it('draws digits without modulo bias (bytes 250–255 are drawn again)', () => {
    let call = 0;
    const random = (n: number): Uint8Array =>
      call++ === 0 ? new Uint8Array(n).fill(255) : new Uint8Array(n).fill(249);
    expect(issueOutOfBandCode({ now: NOW, random, digits: 8 }).code).toBe('99999999');
  });

  it('spreads digits over 0–9', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) for (const digit of issueOutOfBandCode({ digits: 10 }).code) seen.add(digit);
    expect(seen.size).toBe(10);
  });

  it('rejects options out of range with ERR_INVALID_OPTIONS', () => {
    const bad = [
      { digits: 5 },
      { digits: 11 },
      { ttlMs: 0 },
      { ttlMs: 86_400_001 },
      { maxAttempts: 0 },
      { maxAttempts: 101 },
      { now: -1 },
      { now: Number.NaN },
      { key: new Uint8Array(15) },
      { random: 'x' as unknown as () => Uint8Array },
      { random: () => [1, 2] as unknown as Uint8Array },
      { random: (n: number) => new Uint8Array(n).fill(255) },
    ];
    for (const options of bad) {
      expect(() => issueOutOfBandCode(options), JSON.stringify(options)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }),
      );
    }
  });
});

describe('verifyOutOfBandCode', () => {
  it('accepts the code once, with spaces, and counts the attempt', () => {
    const { code, record } = issueOutOfBandCode({ now: NOW });
    const spaced = `${code.slice(0, 3)} ${code.slice(3)}`;
    const first = verifyOutOfBandCode(record, spaced, NOW + 1);
    expect(first).toEqual({ ok: true, record: { ...record, attemptsLeft: 4, used: true } });
    expect(record.used).toBe(false); // the input record is not changed
    expect(verifyOutOfBandCode(first.record, code, NOW + 2)).toEqual({
      ok: false,
      reason: 'used',
      record: first.record,
    });
  });

  it('counts wrong codes and refuses everything once the attempts are spent', () => {
    const { code, record } = issueOutOfBandCode({ now: NOW, maxAttempts: 2 });
    const wrong = code === '000000' ? '111111' : '000000';
    const a = verifyOutOfBandCode(record, wrong, NOW);
    expect(a).toMatchObject({ ok: false, reason: 'mismatch', record: { attemptsLeft: 1 } });
    const b = verifyOutOfBandCode(a.record, 'abcdef', NOW);
    expect(b).toMatchObject({ ok: false, reason: 'mismatch', record: { attemptsLeft: 0 } });
    const c = verifyOutOfBandCode(b.record, code, NOW);
    expect(c).toMatchObject({ ok: false, reason: 'attempts-exhausted', record: { attemptsLeft: 0, used: false } });
  });

  it('refuses malformed typed codes as mismatches', () => {
    const { code, record } = issueOutOfBandCode({ now: NOW, maxAttempts: 10 });
    for (const typed of ['', code.slice(1), `${code}1`, `${code.slice(1)}x`, `１${code.slice(1)}`]) {
      expect(verifyOutOfBandCode(record, typed, NOW), typed).toMatchObject({ ok: false, reason: 'mismatch' });
    }
  });

  it('refuses the right code after expiry', () => {
    const { code, record } = issueOutOfBandCode({ now: NOW, ttlMs: 1000 });
    expect(verifyOutOfBandCode(record, code, NOW + 999).ok).toBe(true);
    expect(verifyOutOfBandCode(record, code, NOW + 1000)).toEqual({ ok: false, reason: 'expired', record });
  });

  it('uses the server key when the record was issued with one', () => {
    const { code, record } = issueOutOfBandCode({ now: NOW, key: KEY });
    expect(record.keyed).toBe(true);
    expect(verifyOutOfBandCode(record, code, NOW, { key: KEY }).ok).toBe(true);
    expect(verifyOutOfBandCode(record, code, NOW, { key: new Uint8Array(32).fill(8) })).toMatchObject({
      ok: false,
      reason: 'mismatch',
    });
    expect(() => verifyOutOfBandCode(record, code, NOW)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }),
    );
    const plain = issueOutOfBandCode({ now: NOW });
    expect(() => verifyOutOfBandCode(plain.record, plain.code, NOW, { key: KEY })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }),
    );
  });

  it('rejects bad arguments with ERR_INVALID_OPTIONS', () => {
    const { record } = issueOutOfBandCode({ now: NOW });
    expect(() => verifyOutOfBandCode(record, 123456 as unknown as string, NOW)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }),
    );
    expect(() => verifyOutOfBandCode(record, '123456', Number.NaN)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }),
    );
  });

  it('rejects records it did not issue with ERR_INVALID_RECORD', () => {
    const { record } = issueOutOfBandCode({ now: NOW });
    const broken: unknown[] = [
      null,
      'record',
      { ...record, v: 2 },
      { ...record, salt: 'short' },
      { ...record, salt: 42 },
      { ...record, hash: record.salt },
      { ...record, digits: 4 },
      { ...record, expiresAt: Number.POSITIVE_INFINITY },
      { ...record, attemptsLeft: -1 },
      { ...record, attemptsLeft: 1000 },
      { ...record, used: 'no' },
      { ...record, keyed: undefined },
    ];
    for (const bad of broken) {
      expect(() => verifyOutOfBandCode(bad as OutOfBandRecord, '123456', NOW), JSON.stringify(bad)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_RECORD' }),
      );
    }
  });
});
