// How organisations run MFA, as a table: each rule of the policy in both directions.
import { describe, expect, it } from 'vitest';
import {
  type Account,
  createPolicy,
  type NextStep,
  type PolicyConfig,
  REASON,
  type ReasonCode,
  type SignInAttempt,
} from '../src/index.ts';
import { account, m } from './helpers.ts';

interface Scenario {
  id: string;
  config?: PolicyConfig;
  account: Account;
  attempt: SignInAttempt;
  allowed: boolean;
  reason: ReasonCode;
  next?: NextStep[];
  notices?: string[];
}

const pw = { kind: 'password' } as const;
const app = m('authenticatorApp', 'app-1');
const sms = m('sms', 'sms-1');
const key1 = m('fido2', 'key-1');
const key2 = m('fido2', 'key-2');
const card = m('smartcard', 'card-1');
const office = m('officePhone', 'office-1');
const appPw = m('appPassword', 'apppw-1');
const CORE_KINDS = ['authenticatorApp', 'sms', 'voice', 'alternatePhone', 'officePhone'];

const scenarios: Scenario[] = [
  // Core methods: password plus a core factor satisfies MFA.
  {
    id: 'password + authenticator app',
    account: account([app]),
    attempt: { factors: [pw, { kind: 'authenticatorApp', methodId: 'app-1' }] },
    allowed: true,
    reason: REASON.MFA_SATISFIED,
  },
  {
    id: 'password + SMS, factor given by kind only',
    account: account([sms]),
    attempt: { factors: [pw, { kind: 'sms' }] },
    allowed: true,
    reason: REASON.MFA_SATISFIED,
  },
  {
    id: 'voice and alternate phone are core',
    account: account([m('voice', 'v'), m('alternatePhone', 'alt')]),
    attempt: { factors: [pw, { kind: 'alternatePhone', methodId: 'alt' }] },
    allowed: true,
    reason: REASON.MFA_SATISFIED,
  },
  {
    id: 'password alone with a core method enrolled',
    account: account([app, key1]),
    attempt: { factors: [pw] },
    allowed: false,
    reason: REASON.MFA_REQUIRED,
    next: [
      { kind: 'fido2', methodIds: ['key-1'] },
      { kind: 'authenticatorApp', methodIds: ['app-1'] },
    ],
  },
  {
    id: 'core factor without the password',
    account: account([app]),
    attempt: { factors: [{ kind: 'authenticatorApp', methodId: 'app-1' }] },
    allowed: false,
    reason: REASON.PASSWORD_REQUIRED,
    next: [{ kind: 'otherOptions', methodIds: ['app-1'] }],
  },
  // The first prompt: what a UI offers ("Sign in using a FIDO2 security key", "Sign in with other options").
  {
    id: 'first prompt lists every key by id, then other options',
    account: account([app, key1, sms, key2]),
    attempt: { factors: [] },
    allowed: false,
    reason: REASON.SIGN_IN_REQUIRED,
    next: [
      { kind: 'fido2', methodIds: ['key-1', 'key-2'] },
      { kind: 'otherOptions', methodIds: ['app-1', 'sms-1'] },
    ],
  },
  {
    id: 'first prompt without keys offers only other options',
    account: account([app]),
    attempt: { factors: [] },
    allowed: false,
    reason: REASON.SIGN_IN_REQUIRED,
    next: [{ kind: 'otherOptions', methodIds: ['app-1'] }],
  },
  {
    id: 'first prompt does not offer keys of a bypass-only account',
    account: account([key1]),
    attempt: { factors: [] },
    allowed: false,
    reason: REASON.BYPASS_NEEDS_CORE,
    next: [{ kind: 'contactAdministrator' }],
  },
  // Bypass methods count only with a core method enrolled.
  {
    id: 'FIDO2 key alone, core method enrolled',
    account: account([app, key1]),
    attempt: { factors: [{ kind: 'fido2', methodId: 'key-1' }] },
    allowed: true,
    reason: REASON.BYPASS_SATISFIED,
  },
  {
    id: 'FIDO2 key alone, no core method',
    account: account([key1]),
    attempt: { factors: [{ kind: 'fido2', methodId: 'key-1' }] },
    allowed: false,
    reason: REASON.BYPASS_NEEDS_CORE,
    next: [{ kind: 'contactAdministrator' }],
  },
  {
    id: 'password + FIDO2 key, no core method: may set up a core method now',
    account: account([key1]),
    attempt: { factors: [pw, { kind: 'fido2', methodId: 'key-1' }] },
    allowed: false,
    reason: REASON.BYPASS_NEEDS_CORE,
    next: [{ kind: 'enrol', methodKinds: CORE_KINDS as never }],
  },
  {
    id: 'smartcard with a core method',
    account: account([sms, card]),
    attempt: { factors: [{ kind: 'smartcard', methodId: 'card-1' }] },
    allowed: true,
    reason: REASON.BYPASS_SATISFIED,
  },
  {
    id: 'smartcard without a core method',
    account: account([card]),
    attempt: { factors: [pw, { kind: 'smartcard', methodId: 'card-1' }] },
    allowed: false,
    reason: REASON.BYPASS_NEEDS_CORE,
  },
  {
    id: 'a core method of a disabled kind does not make a key count',
    config: { methods: { sms: { enabled: false } } },
    account: account([sms, key1]),
    attempt: { factors: [{ kind: 'fido2', methodId: 'key-1' }] },
    allowed: false,
    reason: REASON.BYPASS_NEEDS_CORE,
  },
  // FIDO2 as core: one switch.
  {
    id: 'FIDO2 core: password + key on a key-only account',
    config: { methods: { fido2: { role: 'core' } } },
    account: account([key1]),
    attempt: { factors: [pw, { kind: 'fido2', methodId: 'key-1' }] },
    allowed: true,
    reason: REASON.MFA_SATISFIED,
  },
  {
    id: 'FIDO2 core: the key alone is no longer enough',
    config: { methods: { fido2: { role: 'core' } } },
    account: account([key1]),
    attempt: { factors: [{ kind: 'fido2', methodId: 'key-1' }] },
    allowed: false,
    reason: REASON.PASSWORD_REQUIRED,
    next: [{ kind: 'otherOptions', methodIds: ['key-1'] }],
  },
  // Office phone: allowed but not recommended, and can be disabled (for example for hybrid accounts).
  {
    id: 'office phone works, flagged not recommended',
    account: account([office]),
    attempt: { factors: [pw, { kind: 'officePhone', methodId: 'office-1' }] },
    allowed: true,
    reason: REASON.MFA_SATISFIED,
    notices: ['METHOD_NOT_RECOMMENDED'],
  },
  {
    id: 'office phone disabled for hybrid accounts',
    config: {
      rules: [{ id: 'hybrid', when: { groups: ['hybrid'] }, set: { methods: { officePhone: { enabled: false } } } }],
    },
    account: account([office, app], [], ['hybrid']),
    attempt: { factors: [pw, { kind: 'officePhone', methodId: 'office-1' }] },
    allowed: false,
    reason: REASON.METHOD_DISABLED,
    next: [{ kind: 'authenticatorApp', methodIds: ['app-1'] }],
  },
  {
    id: 'office phone still works for accounts outside the hybrid group',
    config: {
      rules: [{ id: 'hybrid', when: { groups: ['hybrid'] }, set: { methods: { officePhone: { enabled: false } } } }],
    },
    account: account([office, app], [], ['cloud']),
    attempt: { factors: [pw, { kind: 'officePhone', methodId: 'office-1' }] },
    allowed: true,
    reason: REASON.MFA_SATISFIED,
    notices: ['METHOD_NOT_RECOMMENDED'],
  },
  // Factors that do not belong to the account.
  {
    id: 'a key that is not registered on the account',
    account: account([app, key1]),
    attempt: { factors: [{ kind: 'fido2', methodId: 'someone-elses-key' }] },
    allowed: false,
    reason: REASON.FACTOR_NOT_ENROLLED,
  },
  {
    id: 'a method id of another kind does not count',
    account: account([app, key1]),
    attempt: { factors: [pw, { kind: 'sms', methodId: 'app-1' }] },
    allowed: false,
    reason: REASON.FACTOR_NOT_ENROLLED,
  },
  // Accounts without any method.
  {
    id: 'no method: sent to enrolment by default',
    account: account([]),
    attempt: { factors: [pw] },
    allowed: false,
    reason: REASON.ENROLMENT_REQUIRED,
    next: [{ kind: 'enrol', methodKinds: CORE_KINDS as never }],
  },
  {
    id: 'no method: password first',
    account: account([]),
    attempt: { factors: [] },
    allowed: false,
    reason: REASON.PASSWORD_REQUIRED,
    next: [{ kind: 'password' }],
  },
  {
    id: 'no method, policy allows users in on a password',
    config: { signIn: { withoutMethods: 'allowPassword' } },
    account: account([]),
    attempt: { factors: [pw] },
    allowed: true,
    reason: REASON.PASSWORD_ONLY_ALLOWED,
  },
  {
    id: 'no method, policy allows password, but not for Local Administrators',
    config: { signIn: { withoutMethods: 'allowPassword' } },
    account: account([], ['localAdmin']),
    attempt: { factors: [pw] },
    allowed: false,
    reason: REASON.ADMIN_NEEDS_MFA,
  },
  {
    id: 'no method, policy allows password, not for a configured administrator role',
    config: { administratorRoles: ['helpdesk'], signIn: { withoutMethods: 'allowPassword' } },
    account: account([], ['helpdesk']),
    attempt: { factors: [pw] },
    allowed: false,
    reason: REASON.ADMIN_NEEDS_MFA,
  },
  {
    id: 'targeting: MFA mandatory for one region only (in the region)',
    config: {
      signIn: { withoutMethods: 'allowPassword' },
      rules: [{ id: 'north', when: { groups: ['north'] }, set: { signIn: { withoutMethods: 'requireEnrolment' } } }],
    },
    account: account([], [], ['north']),
    attempt: { factors: [pw] },
    allowed: false,
    reason: REASON.ENROLMENT_REQUIRED,
  },
  {
    id: 'targeting: MFA mandatory for one region only (elsewhere)',
    config: {
      signIn: { withoutMethods: 'allowPassword' },
      rules: [{ id: 'north', when: { groups: ['north'] }, set: { signIn: { withoutMethods: 'requireEnrolment' } } }],
    },
    account: account([], [], ['south']),
    attempt: { factors: [pw] },
    allowed: true,
    reason: REASON.PASSWORD_ONLY_ALLOWED,
  },
  {
    id: 'targeting: role and group must both match',
    config: {
      signIn: { withoutMethods: 'allowPassword' },
      rules: [
        {
          id: 'north-managers',
          when: { roles: ['manager'], groups: ['north'] },
          set: { signIn: { withoutMethods: 'requireEnrolment' } },
        },
      ],
    },
    account: account([], ['manager'], ['south']),
    attempt: { factors: [pw] },
    allowed: true,
    reason: REASON.PASSWORD_ONLY_ALLOWED,
  },
  {
    id: 'targeting: unless excludes an account the rule matched',
    config: {
      rules: [
        {
          id: 'all-but-pilot',
          unless: { accounts: ['holder'] },
          set: { methods: { authenticatorApp: { enabled: false } } },
        },
      ],
    },
    account: account([app]),
    attempt: { factors: [pw, { kind: 'authenticatorApp' }] },
    allowed: true,
    reason: REASON.MFA_SATISFIED,
  },
  {
    id: 'a disabled method on its own leaves the account without usable methods',
    config: { methods: { officePhone: { enabled: false } } },
    account: account([office]),
    attempt: { factors: [pw, { kind: 'officePhone' }] },
    allowed: false,
    reason: REASON.ENROLMENT_REQUIRED,
  },
  // Risk signals.
  {
    id: 'new device ignored by default',
    config: { signIn: { withoutMethods: 'allowPassword' } },
    account: account([]),
    attempt: { factors: [pw], context: { newDevice: true } },
    allowed: true,
    reason: REASON.PASSWORD_ONLY_ALLOWED,
  },
  {
    id: 'new device demands fresh MFA from a password-only user',
    config: { signIn: { withoutMethods: 'allowPassword', newDevice: 'requireMfa' } },
    account: account([]),
    attempt: { factors: [pw], context: { newDevice: true } },
    allowed: false,
    reason: REASON.RISK_REQUIRES_MFA,
  },
  {
    id: 'requireMfa on a known device leaves password-only users alone',
    config: { signIn: { withoutMethods: 'allowPassword', newDevice: 'requireMfa' } },
    account: account([]),
    attempt: { factors: [pw], context: { newDevice: false } },
    allowed: true,
    reason: REASON.PASSWORD_ONLY_ALLOWED,
  },
  {
    id: 'requireMfa is met by an ordinary MFA sign-in',
    config: { signIn: { newDevice: 'requireMfa' } },
    account: account([app]),
    attempt: { factors: [pw, { kind: 'authenticatorApp' }], context: { newDevice: true } },
    allowed: true,
    reason: REASON.MFA_SATISFIED,
  },
  {
    id: 'unusual location demands a phishing-resistant factor: app refused',
    config: { signIn: { unusualLocation: 'requirePhishingResistant' } },
    account: account([app, key1]),
    attempt: { factors: [pw, { kind: 'authenticatorApp' }], context: { unusualLocation: true } },
    allowed: false,
    reason: REASON.PHISHING_RESISTANT_REQUIRED,
    next: [{ kind: 'fido2', methodIds: ['key-1'] }],
  },
  {
    id: 'unusual location demands a phishing-resistant factor: key accepted',
    config: { signIn: { unusualLocation: 'requirePhishingResistant' } },
    account: account([app, key1]),
    attempt: { factors: [{ kind: 'fido2', methodId: 'key-1' }], context: { unusualLocation: true } },
    allowed: true,
    reason: REASON.BYPASS_SATISFIED,
  },
  {
    id: 'phishing-resistant demanded and the account has no key',
    config: { signIn: { unusualLocation: 'requirePhishingResistant' } },
    account: account([app]),
    attempt: { factors: [pw], context: { unusualLocation: true } },
    allowed: false,
    reason: REASON.PHISHING_RESISTANT_REQUIRED,
    next: [{ kind: 'contactAdministrator' }],
  },
  {
    id: 'phishing-resistant prompt offers only keys',
    config: { signIn: { newDevice: 'requirePhishingResistant' } },
    account: account([app, key1, card]),
    attempt: { factors: [], context: { newDevice: true } },
    allowed: false,
    reason: REASON.SIGN_IN_REQUIRED,
    next: [
      { kind: 'fido2', methodIds: ['key-1'] },
      { kind: 'smartcard', methodIds: ['card-1'] },
    ],
  },
  // Legacy clients.
  {
    id: 'legacy client refused when app passwords are disabled (default)',
    account: account([app, appPw]),
    attempt: { factors: [pw, { kind: 'appPassword' }], context: { client: 'legacy' } },
    allowed: false,
    reason: REASON.LEGACY_CLIENT_BLOCKED,
  },
  {
    id: 'legacy client with an app password where enabled',
    config: { methods: { appPassword: { enabled: true } } },
    account: account([app, appPw]),
    attempt: { factors: [{ kind: 'appPassword', methodId: 'apppw-1' }], context: { client: 'legacy' } },
    allowed: true,
    reason: REASON.APP_PASSWORD_ACCEPTED,
  },
  {
    id: 'legacy client with the real password where app passwords are enabled',
    config: { methods: { appPassword: { enabled: true } } },
    account: account([app, appPw]),
    attempt: { factors: [pw], context: { client: 'legacy' } },
    allowed: false,
    reason: REASON.APP_PASSWORD_REQUIRED,
    next: [{ kind: 'appPassword', methodIds: ['apppw-1'] }],
  },
  {
    id: 'legacy client, app passwords enabled, none created yet',
    config: { methods: { appPassword: { enabled: true } } },
    account: account([app]),
    attempt: { factors: [pw], context: { client: 'legacy' } },
    allowed: false,
    reason: REASON.APP_PASSWORD_REQUIRED,
    next: [{ kind: 'enrol', methodKinds: ['appPassword'] }],
  },
  {
    id: 'legacy client: app passwords need a core method',
    config: { methods: { appPassword: { enabled: true } } },
    account: account([appPw]),
    attempt: { factors: [{ kind: 'appPassword' }], context: { client: 'legacy' } },
    allowed: false,
    reason: REASON.ENROLMENT_REQUIRED,
  },
  {
    id: 'legacy client: Local Administrators never, an app password is a password alone',
    config: { methods: { appPassword: { enabled: true } } },
    account: account([app, appPw], ['localAdmin']),
    attempt: { factors: [{ kind: 'appPassword' }], context: { client: 'legacy' } },
    allowed: false,
    reason: REASON.ADMIN_NEEDS_MFA,
  },
  {
    id: 'legacy client on a new device where that demands MFA',
    config: { methods: { appPassword: { enabled: true } }, signIn: { newDevice: 'requireMfa' } },
    account: account([app, appPw]),
    attempt: { factors: [{ kind: 'appPassword' }], context: { client: 'legacy', newDevice: true } },
    allowed: false,
    reason: REASON.RISK_REQUIRES_MFA,
  },
  {
    id: 'an app password does not count in a browser',
    config: { methods: { appPassword: { enabled: true } } },
    account: account([app, appPw]),
    attempt: { factors: [pw, { kind: 'appPassword' }] },
    allowed: false,
    reason: REASON.MFA_REQUIRED,
  },
  // Local Administrators.
  {
    id: 'Local Administrator with password + app',
    account: account([app], ['localAdmin']),
    attempt: { factors: [pw, { kind: 'authenticatorApp' }] },
    allowed: true,
    reason: REASON.MFA_SATISFIED,
  },
  {
    id: 'Local Administrator on a password alone',
    account: account([app], ['localAdmin']),
    attempt: { factors: [pw] },
    allowed: false,
    reason: REASON.MFA_REQUIRED,
  },
];

describe('evaluateSignIn scenarios', () => {
  it.each(scenarios)('$id', (scenario) => {
    const decision = createPolicy(scenario.config).evaluateSignIn(scenario.account, scenario.attempt);
    expect({ allowed: decision.allowed, reason: decision.reason }).toEqual({
      allowed: scenario.allowed,
      reason: scenario.reason,
    });
    if (scenario.next) expect(decision.next).toEqual(scenario.next);
    if (scenario.allowed) expect(decision.next).toBeUndefined();
    else expect(decision.next === undefined || decision.next.length > 0).toBe(true);
    expect(decision.notices).toEqual(scenario.notices);
    // One sentence for a person.
    expect(decision.explain).toMatch(/^[A-Z][^.]*[.]$/);
    expect(decision.trace.length).toBeGreaterThan(0);
  });

  it('covers every sign-in reason code in the table', () => {
    const signInReasons: ReasonCode[] = [
      REASON.MFA_SATISFIED,
      REASON.BYPASS_SATISFIED,
      REASON.PASSWORD_ONLY_ALLOWED,
      REASON.APP_PASSWORD_ACCEPTED,
      REASON.SIGN_IN_REQUIRED,
      REASON.PASSWORD_REQUIRED,
      REASON.MFA_REQUIRED,
      REASON.BYPASS_NEEDS_CORE,
      REASON.ENROLMENT_REQUIRED,
      REASON.ADMIN_NEEDS_MFA,
      REASON.RISK_REQUIRES_MFA,
      REASON.PHISHING_RESISTANT_REQUIRED,
      REASON.FACTOR_NOT_ENROLLED,
      REASON.METHOD_DISABLED,
      REASON.LEGACY_CLIENT_BLOCKED,
      REASON.APP_PASSWORD_REQUIRED,
    ];
    expect(new Set(scenarios.map((s) => s.reason))).toEqual(new Set(signInReasons));
  });

  it('names the config path that set a rule in the trace', () => {
    const policy = createPolicy({
      rules: [
        { id: 'risky', when: { roles: ['localAdmin'] }, set: { signIn: { newDevice: 'requirePhishingResistant' } } },
      ],
    });
    const decision = policy.evaluateSignIn(account([app], ['localAdmin']), {
      factors: [pw, { kind: 'authenticatorApp' }],
      context: { newDevice: true },
    });
    expect(decision.reason).toBe(REASON.PHISHING_RESISTANT_REQUIRED);
    expect(decision.trace).toContainEqual(
      expect.objectContaining({ rule: 'signIn.risk', outcome: 'info', source: 'rules[0].set.signIn.newDevice' }),
    );
    expect(decision.trace).toContainEqual(
      expect.objectContaining({
        rule: 'config.targeting',
        source: 'rules[0]',
        detail: 'Rule "risky" applies to the account.',
      }),
    );
  });
});
