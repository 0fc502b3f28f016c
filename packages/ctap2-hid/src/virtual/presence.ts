/** User presence for the virtual authenticator: who "touches the key", and when. */

/** Why the authenticator asks for a touch. */
export type UserPresenceKind =
  | 'makeCredential'
  | 'getAssertion'
  | 'credentialExcluded'
  | 'pinUvAuthProbe'
  | 'reset'
  | 'selection'
  | 'u2fRegister'
  | 'u2fAuthenticate';

/** What the authenticator tells the approver when it needs a touch. */
export interface UserPresenceRequest {
  /** Why the touch is needed. */
  kind: UserPresenceKind;
  /** The RP ID (or, for U2F, nothing: only the application parameter hash is known). */
  rpId?: string;
  /** Aborted when the platform cancels (CTAPHID_CANCEL), the request times out or the device closes. */
  signal: AbortSignal;
}

/**
 * Decides whether the user "touched the key". Returning `true` approves, `false` denies; a
 * promise keeps the authenticator waiting (it sends KEEPALIVE with STATUS_UPNEEDED meanwhile).
 */
export type UserPresenceApprover = (request: UserPresenceRequest) => Promise<boolean> | boolean;

/**
 * An approver that touches at once, every time.
 *
 * @returns A {@link UserPresenceApprover} that always answers `true`.
 * @example
 * ```ts
 * const authenticator = new VirtualAuthenticator({ presence: approvePresence() });
 * ```
 */
export function approvePresence(): UserPresenceApprover {
  return () => true;
}

/**
 * An approver that refuses every touch (the user says no).
 *
 * @returns A {@link UserPresenceApprover} that always answers `false`.
 */
export function denyPresence(): UserPresenceApprover {
  return () => false;
}

/**
 * An approver that answers after `delayMs`, or never when `answer` is `'never'` (the user walks
 * away: the request ends with a timeout or a cancel).
 *
 * @param delayMs - How long the "user" takes.
 * @param answer - `true` to approve, `false` to deny, `'never'` to stay silent.
 * @returns A {@link UserPresenceApprover}.
 * @example
 * ```ts
 * const slow = delayPresence(300); // keepalives flow for about 300 ms, then approval
 * ```
 */
export function delayPresence(delayMs: number, answer: boolean | 'never' = true): UserPresenceApprover {
  return ({ signal }) =>
    new Promise<boolean>((resolve) => {
      if (answer === 'never') return;
      const timer = setTimeout(() => resolve(answer), delayMs);
      signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
    });
}
