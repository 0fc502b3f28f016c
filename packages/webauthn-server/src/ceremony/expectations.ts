// Doc links only:
import type { VerifyAuthenticationResponseOptions } from '../authentication/verify-authentication-response.ts';
import { WebAuthnError } from '../errors.ts';
import type { VerifyRegistrationResponseOptions } from '../registration/verify-registration-response.ts';
import { boolOption, checkExpectedChallengeOption, type ExpectedChallenge, stringList } from './client-data.ts';

/**
 * What the relying party expects of a ceremony's response, whichever the ceremony: the fields
 * {@link VerifyRegistrationResponseOptions} and {@link VerifyAuthenticationResponseOptions} share.
 */
export interface CeremonyExpectations {
  /** The challenge sent (base64url), or a predicate over the received challenge. */
  readonly expectedChallenge: ExpectedChallenge;
  /** The accepted origin(s), e.g. `https://example.com` or `android:apk-key-hash:...`. */
  readonly expectedOrigin: string | readonly string[];
  /** The accepted RP ID(s). */
  readonly expectedRPID: string | readonly string[];
  /**
   * Require the UV flag.
   * @defaultValue `false`
   */
  readonly requireUserVerification?: boolean;
  /**
   * Accept ceremonies run in a cross-origin iframe (`crossOrigin: true` or a `topOrigin`).
   * @defaultValue `false`
   */
  readonly allowCrossOrigin?: boolean;
  /** When cross-origin ceremonies are allowed: the accepted `topOrigin` values (any when absent). */
  readonly expectedTopOrigin?: string | readonly string[];
}

/** {@link CeremonyExpectations} checked and normalised, as both verifiers use them. */
export interface CheckedExpectations {
  readonly origins: readonly string[];
  readonly rpIds: readonly string[];
  readonly requireUV: boolean;
  readonly requireUP: boolean;
  readonly allowCrossOrigin: boolean;
  readonly topOrigins: readonly string[] | undefined;
}

/**
 * Checks the options both ceremonies share (`ERR_BAD_OPTIONS` for a wrong type) and applies
 * their defaults. `requireUserPresence` is read here too: both option interfaces declare it.
 */
export function checkExpectations(
  options: CeremonyExpectations & { readonly requireUserPresence?: boolean },
): CheckedExpectations {
  if (typeof options !== 'object' || options === null)
    throw new WebAuthnError('ERR_BAD_OPTIONS', 'options must be an object');
  checkExpectedChallengeOption(options.expectedChallenge);
  return {
    origins: stringList(options.expectedOrigin, 'expectedOrigin'),
    rpIds: stringList(options.expectedRPID, 'expectedRPID'),
    requireUV: boolOption(options.requireUserVerification, 'requireUserVerification', false),
    requireUP: boolOption(options.requireUserPresence, 'requireUserPresence', true),
    allowCrossOrigin: boolOption(options.allowCrossOrigin, 'allowCrossOrigin', false),
    topOrigins:
      options.expectedTopOrigin === undefined ? undefined : stringList(options.expectedTopOrigin, 'expectedTopOrigin'),
  };
}
