// Properties that must hold for every configuration, account and attempt.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Account,
  type Actor,
  createPolicy,
  type EffectiveSettings,
  type EnrolledMethod,
  isPolicyConfigError,
  type MethodKind,
  type MfaPolicy,
  type PolicyConfig,
  REASON,
  type SignInAttempt,
} from '../src/index.ts';

const KINDS: MethodKind[] = [
  'authenticatorApp',
  'sms',
  'voice',
  'alternatePhone',
  'officePhone',
  'fido2',
  'smartcard',
  'appPassword',
];
const ROLES = ['localAdmin', 'helpdesk', 'user'];
const GROUPS = ['hybrid', 'north', 'south'];

const methodConfig = fc.record(
  {
    enabled: fc.boolean(),
    role: fc.constantFrom('core', 'bypass'),
    recommended: fc.boolean(),
    selfServiceEnrolment: fc.boolean(),
    maxPerAccount: fc.integer({ min: 1, max: 4 }),
  },
  { requiredKeys: [] },
);
const appPasswordConfig = fc.record(
  { enabled: fc.boolean(), selfServiceEnrolment: fc.boolean(), maxPerAccount: fc.integer({ min: 1, max: 4 }) },
  { requiredKeys: [] },
);
const methods = fc.record(
  {
    authenticatorApp: methodConfig,
    sms: methodConfig,
    voice: methodConfig,
    alternatePhone: methodConfig,
    officePhone: methodConfig,
    fido2: methodConfig,
    smartcard: methodConfig,
    appPassword: appPasswordConfig,
  },
  { requiredKeys: [] },
);
const risk = fc.constantFrom('ignore', 'requireMfa', 'requirePhishingResistant');
const overrides = fc.record(
  {
    methods,
    signIn: fc.record(
      { withoutMethods: fc.constantFrom('requireEnrolment', 'allowPassword'), newDevice: risk, unusualLocation: risk },
      { requiredKeys: [] },
    ),
    enrolment: fc.record(
      { selfService: fc.boolean(), adminOnBehalf: fc.boolean(), allowDuplicates: fc.boolean() },
      { requiredKeys: [] },
    ),
    removal: fc.record(
      {
        selfService: fc.boolean(),
        adminOnBehalf: fc.boolean(),
        keepOneMethod: fc.boolean(),
        sessions: fc.constantFrom('keepUntilNextSignIn', 'revoke'),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);
const selector = fc.record(
  {
    roles: fc.uniqueArray(fc.constantFrom(...ROLES), { minLength: 1 }),
    groups: fc.uniqueArray(fc.constantFrom(...GROUPS), { minLength: 1 }),
  },
  { requiredKeys: [] },
);
const rules = fc
  .array(fc.record({ when: selector, unless: selector, set: overrides }, { requiredKeys: ['set'] }), { maxLength: 3 })
  .map((list) => list.map((rule, i) => ({ id: `rule-${i}`, ...rule })));

/** Any valid configuration (candidates without a core method are dropped by createPolicy and skipped). */
const config: fc.Arbitrary<PolicyConfig> = fc
  .tuple(overrides, rules, fc.uniqueArray(fc.constantFrom('helpdesk', 'user'), { maxLength: 2 }))
  .map(([base, ruleList, administratorRoles]) => ({ ...base, rules: ruleList, administratorRoles }) as PolicyConfig);

const method = (id: string): fc.Arbitrary<EnrolledMethod> =>
  fc
    .record({ kind: fc.constantFrom(...KINDS), deviceId: fc.constantFrom('d1', 'd2', 'd3') })
    .map((m) => ({ id, ...m }));
const accountArb = (roles: fc.Arbitrary<string[]>): fc.Arbitrary<Account> =>
  fc
    .record({
      roles,
      groups: fc.uniqueArray(fc.constantFrom(...GROUPS)),
      count: fc.integer({ min: 0, max: 5 }),
    })
    .chain(({ roles: r, groups, count }) =>
      fc
        .tuple(...Array.from({ length: count }, (_, i) => method(`m${i}`)))
        .map((list) => ({ id: 'holder', roles: r, groups, methods: list })),
    );
const anyAccount = accountArb(fc.uniqueArray(fc.constantFrom(...ROLES)));
const attemptFor = (account: Account): fc.Arbitrary<SignInAttempt> =>
  fc.record({
    factors: fc.array(
      fc.oneof(
        fc.constant({ kind: 'password' as const }),
        fc.constantFrom(...KINDS).map((kind) => ({ kind })),
        account.methods.length
          ? fc.constantFrom(...account.methods).map((m) => ({ kind: m.kind, methodId: m.id }))
          : fc.constant({ kind: 'password' as const }),
        fc.constantFrom(...KINDS).map((kind) => ({ kind, methodId: 'not-enrolled' })),
      ),
      { maxLength: 3 },
    ),
    context: fc.record(
      {
        client: fc.constantFrom('browser' as const, 'legacy' as const),
        newDevice: fc.boolean(),
        unusualLocation: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
  });

function policyOrSkip(candidate: PolicyConfig): MfaPolicy {
  try {
    return createPolicy(candidate);
  } catch (error) {
    if (isPolicyConfigError(error) && error.code === 'ERR_CONFIG') fc.pre(false);
    throw error;
  }
}

/** An independent reading of "usable core / bypass" from the effective settings. */
function split(settings: EffectiveSettings, list: readonly EnrolledMethod[]): { core: number; bypass: number } {
  const usable = list.filter((m) => m.kind !== 'appPassword' && settings.methods[m.kind].enabled);
  return {
    core: usable.filter((m) => settings.methods[m.kind].role === 'core').length,
    bypass: usable.filter((m) => settings.methods[m.kind].role === 'bypass').length,
  };
}

const RUNS = { numRuns: 400 };

describe('policy properties', () => {
  it('no configuration ever lets a Local Administrator in on a password alone', () => {
    const admins = accountArb(
      fc.uniqueArray(fc.constantFrom(...ROLES)).map((r) => ['localAdmin', ...r.filter((x) => x !== 'localAdmin')]),
    );
    const passwordAlone = fc.record({
      factors: fc.array(
        fc.oneof(
          fc.constant({ kind: 'password' as const }),
          fc.constantFrom(...KINDS).map((kind) => ({ kind, methodId: 'not-enrolled' })),
        ),
        { minLength: 1, maxLength: 3 },
      ),
      context: fc.record(
        {
          client: fc.constantFrom('browser' as const, 'legacy' as const),
          newDevice: fc.boolean(),
          unusualLocation: fc.boolean(),
        },
        { requiredKeys: [] },
      ),
    });
    fc.assert(
      fc.property(config, admins, passwordAlone, (candidate, account, attempt) => {
        const decision = policyOrSkip(candidate).evaluateSignIn(account, attempt);
        expect(decision.allowed).toBe(false);
      }),
      RUNS,
    );
  });

  it('adding a core method never turns an allowed sign-in into a refusal (password-only users must then use it)', () => {
    // Attempts biased towards success: a password and one of the account's own methods.
    const likelyAllowed = (account: Account): fc.Arbitrary<SignInAttempt> =>
      fc.oneof(
        attemptFor(account),
        fc.record({
          factors: account.methods.length
            ? fc
                .subarray(account.methods, { minLength: 1, maxLength: Math.min(2, account.methods.length) })
                .chain((picked) =>
                  fc
                    .boolean()
                    .map((password) => [
                      ...(password ? [{ kind: 'password' as const }] : []),
                      ...picked.map((m) => ({ kind: m.kind, methodId: m.id })),
                    ]),
                )
            : fc.constant([{ kind: 'password' as const }] as SignInAttempt['factors']),
          context: fc.record(
            { client: fc.constant('browser' as const), newDevice: fc.boolean() },
            { requiredKeys: [] },
          ),
        }),
      );
    let allowedBefore = 0;
    fc.assert(
      fc.property(
        config,
        anyAccount.chain((account) => fc.tuple(fc.constant(account), likelyAllowed(account))),
        fc.nat(),
        (candidate, [account, attempt], pick) => {
          const policy = policyOrSkip(candidate);
          const settings = policy.effectiveSettings(account);
          const coreKinds = KINDS.filter((k) => settings.methods[k].enabled && settings.methods[k].role === 'core');
          const before = policy.evaluateSignIn(account, attempt);
          if (!before.allowed || coreKinds.length === 0) return;
          allowedBefore++;
          const kind = coreKinds[pick % coreKinds.length] as MethodKind;
          const added: Account = { ...account, methods: [...account.methods, { id: 'new-core', kind }] };
          const after = policy.evaluateSignIn(added, attempt);
          if (before.reason === REASON.PASSWORD_ONLY_ALLOWED) {
            // The one exception, by design: once a method exists, a password alone no longer does.
            expect(after.next?.some((step) => step.methodIds?.includes('new-core'))).toBe(true);
          } else {
            expect(after.allowed).toBe(true);
          }
        },
      ),
      RUNS,
    );
    expect(allowedBefore).toBeGreaterThan(20);
  });

  it('no self-service removal leaves a bypass method without a core method', () => {
    fc.assert(
      fc.property(
        config,
        anyAccount.filter((a) => a.methods.length > 0),
        fc.nat(),
        fc.boolean(),
        (candidate, account, pick, mfaVerified) => {
          const policy = policyOrSkip(candidate);
          const target = account.methods[pick % account.methods.length] as EnrolledMethod;
          const actor: Actor = { id: account.id, roles: account.roles, mfaVerified };
          const decision = policy.canRemove(account, target.id, actor);
          if (!decision.allowed) return;
          expect(mfaVerified).toBe(true);
          const after = split(
            policy.effectiveSettings(account),
            account.methods.filter((m) => m !== target),
          );
          expect(after.bypass > 0 && after.core === 0).toBe(false);
        },
      ),
      RUNS,
    );
  });

  it('a bypass factor only ever satisfies MFA on an account with a usable core method', () => {
    fc.assert(
      fc.property(
        config,
        anyAccount.chain((account) => fc.tuple(fc.constant(account), attemptFor(account))),
        (candidate, [account, attempt]) => {
          const policy = policyOrSkip(candidate);
          const decision = policy.evaluateSignIn(account, attempt);
          if (decision.reason === REASON.BYPASS_SATISFIED) {
            expect(split(policy.effectiveSettings(account), account.methods).core).toBeGreaterThan(0);
          }
        },
      ),
      RUNS,
    );
  });

  it('decisions are deterministic, never change their inputs, and always carry a known reason and one sentence', () => {
    const allowedReasons = new Set<string>([
      REASON.MFA_SATISFIED,
      REASON.BYPASS_SATISFIED,
      REASON.PASSWORD_ONLY_ALLOWED,
      REASON.APP_PASSWORD_ACCEPTED,
      REASON.ENROL_ALLOWED,
      REASON.REMOVE_ALLOWED,
    ]);
    const reasons = new Set<string>(Object.values(REASON));
    fc.assert(
      fc.property(
        config,
        anyAccount.chain((account) => fc.tuple(fc.constant(account), attemptFor(account))),
        fc.record({
          id: fc.constantFrom('holder', 'la', 'someone'),
          roles: fc.uniqueArray(fc.constantFrom(...ROLES)),
          mfaVerified: fc.boolean(),
        }),
        method('candidate'),
        (candidate, [account, attempt], actor, newMethod) => {
          const snapshot = JSON.stringify([candidate, account, attempt, actor, newMethod]);
          const first = policyOrSkip(candidate);
          const second = createPolicy(JSON.parse(JSON.stringify(candidate)));
          const decisions = [
            first.evaluateSignIn(account, attempt),
            first.canEnrol(account, newMethod, actor),
            first.canRemove(account, account.methods[0]?.id ?? 'none', actor),
          ];
          expect([
            second.evaluateSignIn(account, attempt),
            second.canEnrol(account, newMethod, actor),
            second.canRemove(account, account.methods[0]?.id ?? 'none', actor),
          ]).toEqual(decisions);
          expect(first.evaluateSignIn(account, attempt)).toEqual(decisions[0]);
          expect(JSON.stringify([candidate, account, attempt, actor, newMethod])).toBe(snapshot);
          for (const decision of decisions) {
            expect(reasons.has(decision.reason)).toBe(true);
            expect(allowedReasons.has(decision.reason)).toBe(decision.allowed);
            expect(decision.explain).toMatch(/^[A-Z][^.]*[.]$/);
          }
        },
      ),
      RUNS,
    );
  });

  it('any JSON value as config gives a policy or ERR_CONFIG, never another error', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          createPolicy(value as PolicyConfig);
        } catch (error) {
          expect(isPolicyConfigError(error) && error.code === 'ERR_CONFIG').toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('any JSON value as account, attempt or actor gives a decision or ERR_MALFORMED, never another error', () => {
    const policy = createPolicy();
    const near = fc.oneof(
      fc.jsonValue(),
      fc.record({
        id: fc.jsonValue(),
        roles: fc.jsonValue(),
        methods: fc.array(fc.record({ id: fc.jsonValue(), kind: fc.jsonValue() })),
      }),
      fc.record({
        factors: fc.array(fc.record({ kind: fc.jsonValue(), methodId: fc.jsonValue() })),
        context: fc.jsonValue(),
      }),
    );
    fc.assert(
      fc.property(near, near, (a, b) => {
        for (const call of [
          () => policy.evaluateSignIn(a as unknown as Account, b as unknown as SignInAttempt),
          () => policy.canEnrol(a as Account, b as unknown as EnrolledMethod, { id: 'x', roles: [] }),
          () => policy.canRemove(a as unknown as Account, 'm', b as unknown as Actor),
        ]) {
          try {
            expect(typeof call().allowed).toBe('boolean');
          } catch (error) {
            expect(isPolicyConfigError(error) && error.code === 'ERR_MALFORMED').toBe(true);
          }
        }
      }),
      RUNS,
    );
  });
});
