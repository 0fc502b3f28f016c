/**
 * The JSON shapes line up with `@keyward/webauthn-server` (checked by `tsc`, which typechecks
 * this file): what the server generates goes straight into the browser functions, and what they
 * return goes straight into the server's verify functions, with no casts.
 */
import type * as server from '@keyward/webauthn-server';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type * as browser from '../src/index.ts';

describe('JSON shapes shared with @keyward/webauthn-server', () => {
  it("accepts the server's options JSON", () => {
    expectTypeOf<server.PublicKeyCredentialCreationOptionsJSON>().toExtend<browser.PublicKeyCredentialCreationOptionsJSON>();
    expectTypeOf<server.PublicKeyCredentialRequestOptionsJSON>().toExtend<browser.PublicKeyCredentialRequestOptionsJSON>();
    expectTypeOf<Awaited<ReturnType<typeof server.generateRegistrationOptions>>>().toExtend<
      Parameters<typeof browser.startRegistration>[0]
    >();
    expectTypeOf<Awaited<ReturnType<typeof server.generateAuthenticationOptions>>>().toExtend<
      Parameters<typeof browser.startAuthentication>[0]
    >();
  });

  it('returns what the server verifies', () => {
    expectTypeOf<browser.RegistrationResponseJSON>().toExtend<server.RegistrationResponseJSON>();
    expectTypeOf<browser.AuthenticationResponseJSON>().toExtend<server.AuthenticationResponseJSON>();
    expectTypeOf<Awaited<ReturnType<typeof browser.startRegistration>>>().toExtend<
      server.VerifyRegistrationResponseOptions['response']
    >();
    expectTypeOf<Awaited<ReturnType<typeof browser.startAuthentication>>>().toExtend<
      server.VerifyAuthenticationResponseOptions['response']
    >();
  });

  it('is not vacuous: a wrong shape does not pass', () => {
    expectTypeOf<{ id: string }>().not.toExtend<server.RegistrationResponseJSON>();
    expectTypeOf<{ challenge: number }>().not.toExtend<browser.PublicKeyCredentialRequestOptionsJSON>();
    expect(true).toBe(true);
  });
});
