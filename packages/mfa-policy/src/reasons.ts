/**
 * Every reason code a {@link Decision} can carry, as a constant object so callers can compare
 * against `REASON.BYPASS_NEEDS_CORE` instead of a string literal. The values never change meaning.
 *
 * Sign-in: `MFA_SATISFIED`, `BYPASS_SATISFIED`, `PASSWORD_ONLY_ALLOWED`, `APP_PASSWORD_ACCEPTED`,
 * `SIGN_IN_REQUIRED`, `PASSWORD_REQUIRED`, `MFA_REQUIRED`, `BYPASS_NEEDS_CORE`, `ENROLMENT_REQUIRED`, `ADMIN_NEEDS_MFA`,
 * `RISK_REQUIRES_MFA`, `PHISHING_RESISTANT_REQUIRED`, `FACTOR_NOT_ENROLLED`, `METHOD_DISABLED`,
 * `LEGACY_CLIENT_BLOCKED`, `APP_PASSWORD_REQUIRED`.
 * Enrolment: `ENROL_ALLOWED`, `CORE_METHOD_REQUIRED`, `DUPLICATE_METHOD`, `LIMIT_REACHED`, and the shared ones.
 * Removal: `REMOVE_ALLOWED`, `METHOD_NOT_FOUND`, `BYPASS_WITHOUT_CORE`, `LAST_METHOD`, and the shared ones.
 * Shared by enrolment and removal: `ACTOR_NOT_PERMITTED`, `SELF_SERVICE_DISABLED`,
 * `ADMIN_ON_BEHALF_DISABLED`, `MFA_SESSION_REQUIRED`, `METHOD_DISABLED`.
 *
 * @example
 * ```ts
 * const decision = policy.evaluateSignIn(account, attempt);
 * if (decision.reason === REASON.BYPASS_NEEDS_CORE) showCoreMethodSetup();
 * ```
 */
export const REASON = {
  MFA_SATISFIED: 'MFA_SATISFIED',
  BYPASS_SATISFIED: 'BYPASS_SATISFIED',
  PASSWORD_ONLY_ALLOWED: 'PASSWORD_ONLY_ALLOWED',
  APP_PASSWORD_ACCEPTED: 'APP_PASSWORD_ACCEPTED',
  SIGN_IN_REQUIRED: 'SIGN_IN_REQUIRED',
  PASSWORD_REQUIRED: 'PASSWORD_REQUIRED',
  MFA_REQUIRED: 'MFA_REQUIRED',
  BYPASS_NEEDS_CORE: 'BYPASS_NEEDS_CORE',
  ENROLMENT_REQUIRED: 'ENROLMENT_REQUIRED',
  ADMIN_NEEDS_MFA: 'ADMIN_NEEDS_MFA',
  RISK_REQUIRES_MFA: 'RISK_REQUIRES_MFA',
  PHISHING_RESISTANT_REQUIRED: 'PHISHING_RESISTANT_REQUIRED',
  FACTOR_NOT_ENROLLED: 'FACTOR_NOT_ENROLLED',
  METHOD_DISABLED: 'METHOD_DISABLED',
  LEGACY_CLIENT_BLOCKED: 'LEGACY_CLIENT_BLOCKED',
  APP_PASSWORD_REQUIRED: 'APP_PASSWORD_REQUIRED',
  ENROL_ALLOWED: 'ENROL_ALLOWED',
  CORE_METHOD_REQUIRED: 'CORE_METHOD_REQUIRED',
  DUPLICATE_METHOD: 'DUPLICATE_METHOD',
  LIMIT_REACHED: 'LIMIT_REACHED',
  REMOVE_ALLOWED: 'REMOVE_ALLOWED',
  METHOD_NOT_FOUND: 'METHOD_NOT_FOUND',
  BYPASS_WITHOUT_CORE: 'BYPASS_WITHOUT_CORE',
  LAST_METHOD: 'LAST_METHOD',
  ACTOR_NOT_PERMITTED: 'ACTOR_NOT_PERMITTED',
  SELF_SERVICE_DISABLED: 'SELF_SERVICE_DISABLED',
  ADMIN_ON_BEHALF_DISABLED: 'ADMIN_ON_BEHALF_DISABLED',
  MFA_SESSION_REQUIRED: 'MFA_SESSION_REQUIRED',
} as const;

/** A reason code: one of the values of {@link REASON}. */
export type ReasonCode = (typeof REASON)[keyof typeof REASON];

/**
 * Notices a {@link Decision} can carry next to its reason, for things worth showing even when allowed.
 *
 * - `METHOD_NOT_RECOMMENDED`: the method is allowed but the policy marks it not recommended (office phone by default).
 * - `BYPASS_WITHOUT_CORE`: an administrator's change leaves a bypass method without a core method; the key works only once a core method exists.
 * - `NO_METHOD_LEFT`: an administrator's removal leaves no usable method; the holder will be sent to enrolment.
 */
export const NOTICE = {
  METHOD_NOT_RECOMMENDED: 'METHOD_NOT_RECOMMENDED',
  BYPASS_WITHOUT_CORE: 'BYPASS_WITHOUT_CORE',
  NO_METHOD_LEFT: 'NO_METHOD_LEFT',
} as const;

/** A notice code: one of the values of {@link NOTICE}. */
export type NoticeCode = (typeof NOTICE)[keyof typeof NOTICE];

/**
 * Stable ids of the rules that appear in {@link Decision.trace}, so an audit log or a test can
 * point at the rule that decided.
 */
export const RULE = {
  TARGETING: 'config.targeting',
  ADMINISTRATOR: 'account.administrator',
  METHODS_USABLE: 'account.usableMethods',
  FACTORS: 'signIn.factors',
  LEGACY_CLIENT: 'signIn.legacyClient',
  RISK: 'signIn.risk',
  WITHOUT_METHODS: 'signIn.withoutMethods',
  ADMIN_NEVER_PASSWORD_ONLY: 'signIn.adminNeverPasswordOnly',
  BYPASS_NEEDS_CORE: 'signIn.bypassNeedsCore',
  FIRST_FACTOR: 'signIn.firstFactor',
  SECOND_FACTOR: 'signIn.secondFactor',
  PHISHING_RESISTANT: 'signIn.phishingResistant',
  ACTOR: 'change.actor',
  METHOD_ENABLED: 'enrol.methodEnabled',
  DUPLICATE: 'enrol.duplicate',
  LIMIT: 'enrol.limit',
  SELF_SERVICE: 'change.selfService',
  ADMIN_ON_BEHALF: 'change.adminOnBehalf',
  MFA_SESSION: 'change.mfaSession',
  CORE_BEFORE_BYPASS: 'enrol.coreBeforeBypass',
  METHOD_EXISTS: 'remove.methodExists',
  KEEP_CORE_WITH_BYPASS: 'remove.keepCoreWithBypass',
  KEEP_ONE_METHOD: 'remove.keepOneMethod',
  SESSIONS: 'remove.sessions',
  RECOMMENDED: 'method.recommended',
} as const;

/** A rule id: one of the values of {@link RULE}. */
export type RuleId = (typeof RULE)[keyof typeof RULE];
