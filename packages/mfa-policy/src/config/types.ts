import type { MethodKind } from '../types.ts';

/** How a method counts: `core` with a password, or `bypass` on its own once a core method exists. */
export type MethodRole = 'core' | 'bypass';

/** How the policy answers a risk signal. */
export type RiskResponse = 'ignore' | 'requireMfa' | 'requirePhishingResistant';

/** Settings of one method kind (all but `appPassword`). */
export interface MethodConfig {
  /**
   * Whether the method may be enrolled and used; enrolled methods of a disabled kind are ignored.
   * @defaultValue `true`
   */
  enabled?: boolean;
  /**
   * `core`: a password plus this method satisfies MFA. `bypass`: satisfies MFA on its own, but only
   * when the account also has a core method.
   * @defaultValue `'core'`, except `'bypass'` for `fido2` and `smartcard`
   */
  role?: MethodRole;
  /**
   * `false` flags the method as allowed but not recommended (a notice on decisions).
   * @defaultValue `true`, except `false` for `officePhone`
   */
  recommended?: boolean;
  /**
   * Whether holders may enrol this kind themselves; administrators may whenever `enrolment.adminOnBehalf` is set.
   * @defaultValue `true`
   */
  selfServiceEnrolment?: boolean;
  /**
   * How many methods of this kind one account may hold (1 to 100).
   * @defaultValue `10` for `fido2`, no limit otherwise
   */
  maxPerAccount?: number;
}

/** Settings of app passwords, the only factor legacy clients can use. */
export interface AppPasswordConfig {
  /**
   * Whether legacy clients may sign in with an app password; when `false` they are refused.
   * @defaultValue `false`
   */
  enabled?: boolean;
  /**
   * Whether holders may create app passwords themselves.
   * @defaultValue `true`
   */
  selfServiceEnrolment?: boolean;
  /**
   * How many app passwords one account may hold (1 to 100).
   * @defaultValue no limit
   */
  maxPerAccount?: number;
}

/** The method catalogue: one entry per kind. */
export interface MethodsConfig {
  /** Authenticator app (TOTP or push). */
  authenticatorApp?: MethodConfig;
  /** Text message to the mobile phone. */
  sms?: MethodConfig;
  /** Voice call to the mobile phone. */
  voice?: MethodConfig;
  /** Call or text to an alternate phone. */
  alternatePhone?: MethodConfig;
  /** Call to the office phone. */
  officePhone?: MethodConfig;
  /** FIDO2 security key or passkey. */
  fido2?: MethodConfig;
  /** Smartcard (certificate-based). */
  smartcard?: MethodConfig;
  /** App passwords for legacy clients. */
  appPassword?: AppPasswordConfig;
}

/** Sign-in rules. */
export interface SignInConfig {
  /**
   * What happens to an account with no usable method: `'requireEnrolment'` sends it to enrolment,
   * `'allowPassword'` lets it in on a password (never administrators, never on a risk signal set to `requireMfa` or stronger).
   * @defaultValue `'requireEnrolment'`
   */
  withoutMethods?: 'requireEnrolment' | 'allowPassword';
  /**
   * Response to a sign-in from a new device.
   * @defaultValue `'ignore'`
   */
  newDevice?: RiskResponse;
  /**
   * Response to a sign-in from an unusual location.
   * @defaultValue `'ignore'`
   */
  unusualLocation?: RiskResponse;
}

/** Who may enrol what. */
export interface EnrolmentConfig {
  /**
   * Whether holders may enrol methods themselves (after MFA, or a first core method after a password).
   * @defaultValue `true`
   */
  selfService?: boolean;
  /**
   * Whether administrators may enrol methods on a user's behalf.
   * @defaultValue `true`
   */
  adminOnBehalf?: boolean;
  /**
   * Whether the same key (same kind and `deviceId`) may be registered twice on one account.
   * @defaultValue `false`
   */
  allowDuplicates?: boolean;
}

/** Who may remove what, and what removal does. */
export interface RemovalConfig {
  /**
   * Whether holders may remove their own methods (always only after MFA).
   * @defaultValue `true`
   */
  selfService?: boolean;
  /**
   * Whether administrators may remove a user's methods.
   * @defaultValue `true`
   */
  adminOnBehalf?: boolean;
  /**
   * Whether a holder is refused removing their last usable method.
   * @defaultValue `true`
   */
  keepOneMethod?: boolean;
  /**
   * What happens to open sessions when a method is removed.
   * @defaultValue `'keepUntilNextSignIn'`
   */
  sessions?: 'keepUntilNextSignIn' | 'revoke';
}

/** Matches accounts: every listed field must match; within a field any one value matches. */
export interface AccountSelector {
  /** The account has at least one of these roles. */
  roles?: string[];
  /** The account is in at least one of these groups. */
  groups?: string[];
  /** The account's id is one of these. */
  accounts?: string[];
}

/** The settings a targeting rule may change. */
export interface PolicyOverrides {
  /** Method catalogue changes. */
  methods?: MethodsConfig;
  /** Sign-in rule changes. */
  signIn?: SignInConfig;
  /** Enrolment rule changes. */
  enrolment?: EnrolmentConfig;
  /** Removal rule changes. */
  removal?: RemovalConfig;
}

/** A targeting rule: settings that apply only to the accounts it matches. */
export interface TargetingRule {
  /** Unique id, shown in decision traces. */
  id: string;
  /** What the rule is for. */
  description?: string;
  /** Accounts the rule applies to; missing means every account. */
  when?: AccountSelector;
  /** Accounts excluded even when `when` matches. */
  unless?: AccountSelector;
  /** The settings to change. */
  set: PolicyOverrides;
}

/** A policy configuration: plain JSON, every key optional; `schema/policy.schema.json` describes it. */
export interface PolicyConfig {
  /** Optional pointer to the JSON Schema, for editors; ignored. */
  $schema?: string;
  /**
   * Roles that mark an administrator, besides `'localAdmin'` which always does.
   * @defaultValue `['localAdmin']`
   */
  administratorRoles?: string[];
  /** The method catalogue. */
  methods?: MethodsConfig;
  /** Sign-in rules. */
  signIn?: SignInConfig;
  /** Enrolment rules. */
  enrolment?: EnrolmentConfig;
  /** Removal rules. */
  removal?: RemovalConfig;
  /**
   * Targeting rules, applied in order to the accounts they match; a later rule overrides an earlier one.
   * @defaultValue `[]`
   */
  rules?: TargetingRule[];
}

/** A method kind's settings with every default filled in. */
export interface ResolvedMethodConfig {
  /** Whether the kind may be enrolled and used. */
  enabled: boolean;
  /** `core`, `bypass`, or `legacy` for app passwords. */
  role: MethodRole | 'legacy';
  /** Whether the kind is recommended. */
  recommended: boolean;
  /** Whether holders may enrol it themselves. */
  selfServiceEnrolment: boolean;
  /** Per-account limit, when there is one. */
  maxPerAccount?: number;
}

/** The settings in force for one account: defaults, then the base config, then matching rules. */
export interface EffectiveSettings {
  /** Every method kind, in catalogue order. */
  methods: Record<MethodKind, ResolvedMethodConfig>;
  /** Sign-in rules. */
  signIn: Required<SignInConfig>;
  /** Enrolment rules. */
  enrolment: Required<EnrolmentConfig>;
  /** Removal rules. */
  removal: Required<RemovalConfig>;
}
