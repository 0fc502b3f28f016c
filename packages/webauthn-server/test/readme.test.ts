// The quick start of README.md, verbatim between the markers: a test below checks that the README
// still holds exactly this text, so the documented code is the code that runs. `browser` and `db`
// are stand-ins: a software authenticator from the test helpers and a Map.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bytesToBase64url } from '@keyward/internal';
import { expect, it } from 'vitest';
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegisteredCredential,
} from '../src/index.ts';
import { buildAuthentication, buildRegistration, type Credential, newCredential } from './helpers/authenticator.ts';

let device: Credential | undefined;
const browser = {
  async create(options: PublicKeyCredentialCreationOptionsJSON) {
    device = newCredential(-7);
    return buildRegistration({ credential: device, fmt: 'packed-self', challenge: options.challenge }).response;
  },
  async get(options: PublicKeyCredentialRequestOptionsJSON) {
    return buildAuthentication({ credential: device as Credential, challenge: options.challenge, signCount: 1 })
      .response;
  },
};
const db = { credentials: new Map<string, RegisteredCredential & { signCount: number }>() };
const log: unknown[] = [];
const console = { log: (...args: unknown[]) => log.push(args) };

// readme:start
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@keyward/webauthn-server';

const rpID = 'example.com';
const origin = 'https://example.com';

// Registration: send the options to the browser, keep the challenge in the session.
const creation = await generateRegistrationOptions({ rpName: 'Example', rpID, userName: 'alice@example.com' });
const created = await browser.create(creation); // startRegistration(creation) in @keyward/webauthn-browser
const registration = await verifyRegistrationResponse({
  response: created,
  expectedChallenge: creation.challenge,
  expectedOrigin: origin,
  expectedRPID: rpID,
});
db.credentials.set(registration.credential.id, { ...registration.credential });

// Sign-in: the same, with the stored credential; then store the new counter.
const request = await generateAuthenticationOptions({ rpID });
const asserted = await browser.get(request); // startAuthentication(request)
const stored = db.credentials.get(asserted.id);
if (!stored) throw new Error('unknown credential');
const { newSignCount, userVerified } = await verifyAuthenticationResponse({
  response: asserted,
  expectedChallenge: request.challenge,
  expectedOrigin: origin,
  expectedRPID: rpID,
  credential: stored,
});
stored.signCount = newSignCount;
console.log(registration.fmt, registration.attestationType, userVerified); // packed self true
// readme:end

it('runs the README quick start', () => {
  expect(log).toEqual([['packed', 'self', true]]);
  expect(db.credentials.get(bytesToBase64url((device as Credential).id))?.signCount).toBe(1);
});

it('the README holds exactly this quick start', () => {
  const source = readFileSync(import.meta.filename, 'utf8');
  const snippet = source.slice(source.indexOf('// readme:start\n') + 16, source.indexOf('// readme:end'));
  const readme = readFileSync(join(import.meta.dirname, '../README.md'), 'utf8');
  expect(readme).toContain(snippet);
});
