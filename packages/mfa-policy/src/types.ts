import type { NoticeCode, ReasonCode, RuleId } from './reasons.ts';

/**
 * Every kind of sign-in method the policy knows, in catalogue order. The first seven are the
 * contract's kinds; `appPassword` is an extension used only by legacy (non-browser) clients.
 */
export type MethodKind =
  | 'authenticatorApp'
  | 'sms'
  | 'voice'
  | 'alternatePhone'
  | 'officePhone'
  | 'fido2'
  | 'smartcard'
  | 'appPassword';

/** A method the account holder has registered. */
export interface EnrolledMethod {
  /** Unique within the account (for FIDO2, usually the credential ID). */
  id: string;
  /** What kind of method this is. */
  kind: MethodKind;
  /** Nickname shown to the user. */
  label?: string;
  /** When it was registered, ISO 8601. */
  createdAt?: string;
  /**
   * Identity of the physical thing behind the method (a key's credential ID or serial, a hash of a
   * phone number). Two methods of one kind with the same `deviceId` are the same key registered
   * twice, which enrolment refuses unless `enrolment.allowDuplicates` is set.
   */
  deviceId?: string;
}

/** The account a decision is about. */
export interface Account {
  /** The account's identifier; an {@link Actor} with the same `id` is the account holder. */
  id: string;
  /** Roles; `'localAdmin'` (and any role in `administratorRoles`) marks an administrator. */
  roles: string[];
  /** Groups the account belongs to, for targeting rules (for example `'hybrid'`, `'region-north'`). */
  groups?: string[];
  /** The methods the account has registered. */
  methods: EnrolledMethod[];
}

/** Who asks to enrol or remove a method: the account holder or an administrator. */
export interface Actor {
  /** The actor's account id; equal to `account.id` for the holder acting on their own account. */
  id: string;
  /** The actor's roles; administrators may act on behalf of others. */
  roles: string[];
  /**
   * Whether the actor's current session passed MFA. A holder must have it (`true`) to enrol a
   * second method or to remove one; for an administrator only an explicit `false` refuses, since
   * administrators cannot sign in without MFA under this policy.
   */
  mfaVerified?: boolean;
}

/** One factor the user has just proved. */
export interface SignInFactor {
  /** The kind of factor: a password or one of the method kinds. */
  kind: MethodKind | 'password';
  /** Which enrolled method was used; without it the first enrolled method of that kind is assumed. */
  methodId?: string;
}

/** Signals about the circumstances of a sign-in. */
export interface SignInContext {
  /** `'legacy'` for clients that cannot show an MFA prompt (IMAP, SMTP, old Office). Default `'browser'`. */
  client?: 'browser' | 'legacy';
  /** The device has not been seen for this account before. */
  newDevice?: boolean;
  /** The sign-in comes from an unusual location. */
  unusualLocation?: boolean;
}

/** What the user has proved so far in this sign-in, and its circumstances. */
export interface SignInAttempt {
  /** What the user has just proved, in any order; an empty list asks what the first prompt should offer. */
  factors: SignInFactor[];
  /** Circumstances of the sign-in. */
  context?: SignInContext;
}

/**
 * Kinds of {@link NextStep}: a method kind (use one of `methodIds`), `'password'`, `'otherOptions'`
 * (a password and then one of `methodIds`, the "Sign in with other options" link), `'enrol'`
 * (register one of `methodKinds`) or `'contactAdministrator'` (only a Local Administrator can help).
 */
export type NextStepKind = MethodKind | 'password' | 'otherOptions' | 'enrol' | 'contactAdministrator';

/** One thing that would satisfy the prompt now, in the order a UI should offer them. */
export interface NextStep {
  /** What to do. */
  kind: NextStepKind;
  /** The enrolled methods that can be used, in account order (method kinds and `'otherOptions'`). */
  methodIds?: string[];
  /** The method kinds that can be registered (`'enrol'`). */
  methodKinds?: MethodKind[];
}

/** Outcome of one rule in the audit trail. */
export type TraceOutcome = 'pass' | 'fail' | 'skip' | 'info';

/** One rule the engine evaluated, in order. */
export interface TraceEntry {
  /** Stable id of the rule, one of {@link RULE}. */
  rule: RuleId;
  /** `'pass'` when the rule let the request through, `'fail'` when it decided a refusal, `'skip'` when it did not apply, `'info'` for facts. */
  outcome: TraceOutcome;
  /** One sentence on what the rule saw. */
  detail: string;
  /** The config path behind the rule's setting (for example `rules[0].set.signIn.newDevice`), when there is one. */
  source?: string;
}

/** What removing a method does beyond the account's method list. */
export interface RemovalEffects {
  /** Open sessions either last until their next sign-in (`'keepUntilNextSignIn'`) or are revoked now (`'revoke'`). */
  sessions: 'keepUntilNextSignIn' | 'revoke';
}

/** The answer to every question the policy is asked. */
export interface Decision {
  /** Whether the sign-in, enrolment or removal may go ahead. */
  allowed: boolean;
  /** Stable machine-readable code, one of {@link REASON}. */
  reason: ReasonCode;
  /** One sentence for a person. */
  explain: string;
  /** For refusals: what would satisfy the prompt now, in the order to offer it. */
  next?: NextStep[];
  /** Things worth telling the user or administrator even when allowed, one of {@link NOTICE}. */
  notices?: NoticeCode[];
  /** For allowed removals: what happens to open sessions. */
  effects?: RemovalEffects;
  /** Every rule evaluated, in order: the audit trail behind the decision. */
  trace: TraceEntry[];
}
