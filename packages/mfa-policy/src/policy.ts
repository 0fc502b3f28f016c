import { canEnrol } from './change/enrol.ts';
import { canRemove } from './change/remove.ts';
import { METHOD_KINDS, PHISHING_RESISTANT_KINDS } from './config/defaults.ts';
import { parsePolicyConfig } from './config/parse.ts';
import { baseSettings, settingsFor } from './config/resolve.ts';
import type { EffectiveSettings, MethodRole, PolicyConfig } from './config/types.ts';
import { checkAccount } from './input.ts';
import { evaluateSignIn } from './sign-in/evaluate.ts';
import type { Account, Actor, Decision, EnrolledMethod, MethodKind, SignInAttempt } from './types.ts';

/** One entry of the method catalogue, as it applies to an account (or to everyone). */
export interface MethodInfo {
  /** The method kind. */
  kind: MethodKind;
  /** Whether it may be enrolled and used. */
  enabled: boolean;
  /** `core`, `bypass`, or `legacy` for app passwords. */
  role: MethodRole | 'legacy';
  /** Whether the policy recommends it (`false`: allowed but flagged). */
  recommended: boolean;
  /** Whether it resists phishing (FIDO2, smartcard); risk signals may demand it. */
  phishingResistant: boolean;
  /** Whether holders may enrol it themselves. */
  selfServiceEnrolment: boolean;
  /** Per-account limit, when there is one. */
  maxPerAccount?: number;
}

/** A validated policy: pure functions over accounts, attempts and actors. */
export interface MfaPolicy {
  /** The validated configuration, a frozen deep copy of what {@link createPolicy} was given. */
  readonly config: Readonly<PolicyConfig>;
  /**
   * Decides a sign-in: password plus a core factor satisfies MFA; a bypass factor satisfies it on its
   * own only when the account has a core method; accounts without a usable method go to enrolment
   * (or, where configured, users in on a password); administrators never on a password alone; risk
   * signals may demand MFA or a phishing-resistant factor; legacy clients only with app passwords.
   *
   * @param account - The account signing in.
   * @param attempt - What the user has proved so far (an empty `factors` list asks what to offer first).
   * @returns The decision; when refused, `next` lists what would satisfy the prompt now.
   * @throws {@link PolicyConfigError} `ERR_MALFORMED` when `account` or `attempt` lacks the documented shape.
   * @example
   * ```ts
   * const first = policy.evaluateSignIn(account, { factors: [] });
   * // first.next: [{ kind: 'fido2', methodIds: ['key-1'] }, { kind: 'otherOptions', methodIds: ['app-1'] }]
   * ```
   */
  evaluateSignIn(account: Account, attempt: SignInAttempt): Decision;
  /**
   * Decides whether `actor` may register `method` on `account`: the holder after MFA (or, for the
   * first method, after a password), an administrator on the holder's behalf; the kind must be
   * enabled, under its per-account limit, and not registered already; holders add bypass methods
   * only once a core method exists.
   *
   * @param account - The account to enrol on.
   * @param method - The method to be registered (its `id`, `kind`, optional `deviceId`).
   * @param actor - Who asks, with `mfaVerified` for the holder's session.
   * @returns The decision.
   * @throws {@link PolicyConfigError} `ERR_MALFORMED` when an argument lacks the documented shape.
   * @example
   * ```ts
   * policy.canEnrol(account, { id: 'key-2', kind: 'fido2' }, { id: account.id, roles: [], mfaVerified: true });
   * ```
   */
  canEnrol(account: Account, method: EnrolledMethod, actor: Actor): Decision;
  /**
   * Decides whether `actor` may remove method `methodId` from `account`: the holder only after MFA
   * and never leaving bypass methods without a core method (nor, by default, without any method);
   * administrators on the holder's behalf. Allowed removals say in `effects` what happens to open sessions.
   *
   * @param account - The account to change.
   * @param methodId - The id of the method to remove.
   * @param actor - Who asks, with `mfaVerified` for the holder's session.
   * @returns The decision.
   * @throws {@link PolicyConfigError} `ERR_MALFORMED` when an argument lacks the documented shape.
   * @example
   * ```ts
   * const decision = policy.canRemove(account, 'key-1', { id: account.id, roles: [], mfaVerified: true });
   * if (decision.allowed && decision.effects?.sessions === 'revoke') revokeSessions(account.id);
   * ```
   */
  canRemove(account: Account, methodId: string, actor: Actor): Decision;
  /**
   * Lists the method catalogue in force for an account (targeting rules applied), or the base
   * catalogue without one: what a portal shows as "core", "bypass", "not recommended".
   *
   * @param account - The account whose targeting rules apply; omit for the base settings.
   * @returns One entry per method kind, in catalogue order.
   * @throws {@link PolicyConfigError} `ERR_MALFORMED` when `account` lacks the documented shape.
   */
  methodCatalogue(account?: Account): MethodInfo[];
  /**
   * Gives every setting in force for an account, defaults and targeting rules applied.
   *
   * @param account - The account whose targeting rules apply; omit for the base settings.
   * @returns A fresh copy of the effective settings.
   * @throws {@link PolicyConfigError} `ERR_MALFORMED` when `account` lacks the documented shape.
   */
  effectiveSettings(account?: Account): EffectiveSettings;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Validates a configuration and returns the policy it describes. The configuration is plain JSON
 * (see `schema/policy.schema.json`, also exported as `@keyward/mfa-policy/policy.schema.json`);
 * every key is optional, unknown keys are refused. The policy is pure and deterministic: no I/O,
 * no clock, no randomness, and it never changes its arguments.
 *
 * @param config - The configuration; omit for the defaults (app, SMS, voice and alternate phone
 *   core; FIDO2 and smartcard bypass; office phone allowed but not recommended).
 * @returns The policy.
 * @throws {@link PolicyConfigError} `ERR_CONFIG` naming the bad field's `path` (wrong type, unknown
 *   key, value out of range, duplicate rule id, no core method enabled).
 * @example
 * ```ts
 * const policy = createPolicy({ methods: { fido2: { role: 'core' } } });
 * const decision = policy.evaluateSignIn(
 *   { id: 'u1', roles: [], methods: [{ id: 'key-1', kind: 'fido2' }] },
 *   { factors: [{ kind: 'fido2', methodId: 'key-1' }] },
 * );
 * console.log(decision.reason); // 'BYPASS_NEEDS_CORE' under the defaults; here FIDO2 is core: 'PASSWORD_REQUIRED'
 * ```
 */
export function createPolicy(config?: PolicyConfig): MfaPolicy {
  const parsed = deepFreeze(parsePolicyConfig(config));
  const settings = (account?: Account): EffectiveSettings => {
    if (account === undefined) return baseSettings(parsed);
    checkAccount(account);
    return settingsFor(parsed, account).settings;
  };
  return Object.freeze({
    config: parsed,
    evaluateSignIn: (account: Account, attempt: SignInAttempt): Decision => evaluateSignIn(parsed, account, attempt),
    canEnrol: (account: Account, method: EnrolledMethod, actor: Actor): Decision =>
      canEnrol(parsed, account, method, actor),
    canRemove: (account: Account, methodId: string, actor: Actor): Decision =>
      canRemove(parsed, account, methodId, actor),
    methodCatalogue: (account?: Account): MethodInfo[] => {
      const effective = settings(account);
      return METHOD_KINDS.map((kind) => {
        const { maxPerAccount, ...rest } = effective.methods[kind];
        const info: MethodInfo = { kind, ...rest, phishingResistant: PHISHING_RESISTANT_KINDS.includes(kind) };
        if (maxPerAccount !== undefined) info.maxPerAccount = maxPerAccount;
        return info;
      });
    },
    effectiveSettings: settings,
  });
}
