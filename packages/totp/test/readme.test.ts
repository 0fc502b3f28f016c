// The snippets of README.md, verbatim between the markers: a test below checks that the README
// still holds exactly this text, so the documented code is the code that runs.
// readme:start
import { buildOtpauthUri, generateSecret, generateTotp, verifyTotp } from '@keyward/totp';

// Enrolment: a new secret, shown to the person as a QR code of this URI (never log it: it holds the secret).
const secret = generateSecret();
const uri = buildOtpauthUri({ secret, issuer: 'ACME Co', accountName: 'alice@example.com' });

// The person's app shows a code (computed here in its place).
const token = generateTotp({ secret });

// Sign-in: check the code, then store its step so it can never be accepted again.
let lastStep: number | undefined;
const result = verifyTotp({ token, secret, afterStep: lastStep });
if (result.ok) lastStep = result.step;

const replay = verifyTotp({ token, secret, afterStep: lastStep });
console.log(result.ok, replay.ok); // true false

// readme:end

// readme:oob:start
import { issueOutOfBandCode, verifyOutOfBandCode } from '@keyward/totp';

const records = new Map<string, ReturnType<typeof issueOutOfBandCode>['record']>(); // your database
const sent: string[] = []; // your SMS or voice provider
const serverKey = new Uint8Array(32).fill(42); // in real life: 32 random bytes kept outside the database

// Issue: send the code, store only the record (plain JSON, no code in it).
const issued = issueOutOfBandCode({ digits: 6, ttlMs: 5 * 60_000, maxAttempts: 5, key: serverKey });
sent.push(`Your ACME code is ${issued.code}`);
records.set('alice', issued.record);

// Check what the person typed; always store the record that comes back.
const typed = issued.code;
const check = verifyOutOfBandCode(records.get('alice')!, typed, Date.now(), { key: serverKey });
records.set('alice', check.record);
console.log(check.ok ? 'signed in' : check.reason); // 'signed in'; a second try gives 'used'

// readme:oob:end

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('README quick start', () => {
  it('runs: the code verifies once, the replay is refused', () => {
    expect(uri).toMatch(/^otpauth:\/\/totp\/ACME%20Co:alice%40example\.com\?secret=[A-Z2-7]{32}&issuer=ACME%20Co/);
    expect(result.ok).toBe(true);
    expect(lastStep).toBeTypeOf('number');
    expect(replay.ok).toBe(false);
  });

  it('runs the out-of-band example: accepted once, then used', () => {
    expect(check.ok).toBe(true);
    expect(sent[0]).toMatch(/^Your ACME code is \d{6}$/);
    expect(JSON.stringify(records.get('alice'))).not.toContain(issued.code);
    expect(verifyOutOfBandCode(records.get('alice')!, typed, Date.now(), { key: serverKey })).toMatchObject({
      ok: false,
      reason: 'used',
    });
  });

  it.each(['readme', 'readme:oob'])('the %s snippet is the one the README shows', (marker) => {
    const self = readFileSync(new URL(import.meta.url), 'utf8');
    const start = `// ${marker}:start\n`;
    const snippet = self.slice(self.indexOf(start) + start.length, self.indexOf(`// ${marker}:end`));
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(snippet.length).toBeGreaterThan(100);
    expect(readme).toContain('```ts\n' + snippet.trimEnd() + '\n```');
  });
});
