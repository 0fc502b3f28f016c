/**
 * @keyward/totp side by side with otpauth 9.5.2 (its Node build: the default import on Node, which
 * uses node:crypto) and otplib 13.5.0 (functional sync API with its default noble crypto plugin),
 * in one process. Ratios are to otpauth. Same 20-byte secret, same timestamps, SHA-1, 6 digits,
 * 30 s, window ±1 step for every verifier.
 */
import { generateTotp, verifyTotp } from '@keyward/totp';
import * as OTPAuth from 'otpauth';
import { generateSync, verifySync } from 'otplib';
import { nobleBackend } from '../packages/totp/src/internal/hmac.ts';
import { generateTotpWith, verifyTotpWith } from '../packages/totp/src/totp.ts';
import { compare, report } from './harness.ts';

const SECRET = Uint8Array.from({ length: 20 }, (_, i) => (i * 73 + 11) & 0xff);
const SECRET_BASE32 = new OTPAuth.Secret({ buffer: SECRET.slice().buffer }).base32;
const COUNT = 256;
const BASE_MS = 1_700_000_000_000;
/** Timestamps spread over many steps, so no implementation sees the same input twice in a row. */
const TIMESTAMPS = Array.from({ length: COUNT }, (_, i) => BASE_MS + i * 7_919_000 + ((i * 997) % 30_000));
const otpauthTotp = new OTPAuth.TOTP({ secret: new OTPAuth.Secret({ buffer: SECRET.slice().buffer }) });
/** The code of each timestamp's own step. */
const CURRENT = TIMESTAMPS.map((timestamp) => otpauthTotp.generate({ timestamp }));
/** A code from 10 steps earlier that matches none of the 3 steps in the window. */
const MISS = TIMESTAMPS.map((timestamp) => {
  for (let back = 10; ; back++) {
    const code = otpauthTotp.generate({ timestamp: timestamp - back * 30_000 });
    if (otpauthTotp.validate({ token: code, timestamp, window: 1 }) === null) return code;
  }
});

function checkAgreement(): void {
  for (let i = 0; i < COUNT; i++) {
    const timestamp = TIMESTAMPS[i] as number;
    const token = CURRENT[i] as string;
    const miss = MISS[i] as string;
    const ours = generateTotp({ secret: SECRET, timestamp });
    const theirs = generateSync({ secret: SECRET, epoch: Math.floor(timestamp / 1000) });
    if (ours !== token || theirs !== token) throw new Error(`generate disagrees at ${timestamp}`);
    if (!verifyTotp({ token, secret: SECRET, timestamp }).ok) throw new Error('keyward rejects a current code');
    if (verifyTotp({ token: miss, secret: SECRET, timestamp }).ok) throw new Error('keyward accepts a miss');
    if (!verifySync({ secret: SECRET, token, epoch: Math.floor(timestamp / 1000), epochTolerance: 30 }).valid)
      throw new Error('otplib rejects a current code');
  }
}

export default async function totpBench(): Promise<void> {
  checkAgreement();
  let i = 0;
  const next = (): number => {
    i = (i + 1) & (COUNT - 1);
    return i;
  };

  await compare(
    'TOTP generate (SHA-1, 6 digits, secret as bytes)',
    {
      otpauth: () => otpauthTotp.generate({ timestamp: TIMESTAMPS[next()] as number }),
      '@keyward/totp': () => generateTotp({ secret: SECRET, timestamp: TIMESTAMPS[next()] as number }),
      '@keyward/totp (noble backend)': () =>
        generateTotpWith(nobleBackend, { secret: SECRET, timestamp: TIMESTAMPS[next()] as number }),
      otplib: () => generateSync({ secret: SECRET, epoch: Math.floor((TIMESTAMPS[next()] as number) / 1000) }),
    },
    { baseline: 'otpauth' },
  );

  await compare(
    'TOTP generate (secret as base32 text, decoded on every call)',
    {
      otpauth: () =>
        OTPAuth.TOTP.generate({
          secret: OTPAuth.Secret.fromBase32(SECRET_BASE32),
          timestamp: TIMESTAMPS[next()] as number,
        }),
      '@keyward/totp': () => generateTotp({ secret: SECRET_BASE32, timestamp: TIMESTAMPS[next()] as number }),
      otplib: () => generateSync({ secret: SECRET_BASE32, epoch: Math.floor((TIMESTAMPS[next()] as number) / 1000) }),
    },
    { baseline: 'otpauth' },
  );

  await compare(
    'TOTP verify, code of the current step (window ±1)',
    {
      otpauth: () => {
        const k = next();
        return otpauthTotp.validate({ token: CURRENT[k] as string, timestamp: TIMESTAMPS[k] as number, window: 1 });
      },
      '@keyward/totp': () => {
        const k = next();
        return verifyTotp({ token: CURRENT[k] as string, secret: SECRET, timestamp: TIMESTAMPS[k] as number });
      },
      '@keyward/totp (noble backend)': () => {
        const k = next();
        return verifyTotpWith(nobleBackend, {
          token: CURRENT[k] as string,
          secret: SECRET,
          timestamp: TIMESTAMPS[k] as number,
        });
      },
      otplib: () => {
        const k = next();
        return verifySync({
          secret: SECRET,
          token: CURRENT[k] as string,
          epoch: Math.floor((TIMESTAMPS[k] as number) / 1000),
          epochTolerance: 30,
        });
      },
    },
    { baseline: 'otpauth' },
  );

  await compare(
    'TOTP verify, code outside the window (3 steps tried)',
    {
      otpauth: () => {
        const k = next();
        return otpauthTotp.validate({ token: MISS[k] as string, timestamp: TIMESTAMPS[k] as number, window: 1 });
      },
      '@keyward/totp': () => {
        const k = next();
        return verifyTotp({ token: MISS[k] as string, secret: SECRET, timestamp: TIMESTAMPS[k] as number });
      },
      '@keyward/totp (noble backend)': () => {
        const k = next();
        return verifyTotpWith(nobleBackend, {
          token: MISS[k] as string,
          secret: SECRET,
          timestamp: TIMESTAMPS[k] as number,
        });
      },
      otplib: () => {
        const k = next();
        return verifySync({
          secret: SECRET,
          token: MISS[k] as string,
          epoch: Math.floor((TIMESTAMPS[k] as number) / 1000),
          epochTolerance: 30,
        });
      },
    },
    { baseline: 'otpauth' },
  );

  report('TOTP setup', [
    'SHA-1, 6 digits, 30 s period, 20-byte secret, window ±1 step everywhere; 256 timestamps rotated.',
    'otpauth: TOTP instance (Secret decoded once) on its Node build (node:crypto createHmac).',
    'otplib: generateSync/verifySync with its default NobleCryptoPlugin (no node plugin is installed here).',
    '@keyward/totp: node:crypto createHmac via process.getBuiltinModule; "(noble backend)" is the portable fallback.',
  ]);
}
