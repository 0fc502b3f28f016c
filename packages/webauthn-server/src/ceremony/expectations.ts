// Doc links only:
import type { VerifyAuthenticationResponseOptions } from '../authentication/verify-authentication-response.ts';
import type { VerifyRegistrationResponseOptions } from '../registration/verify-registration-response.ts';
import type { ExpectedChallenge } from './client-data.ts';

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
