// Enrolment and removal, as organisations run them: the holder after MFA, an administrator on behalf.
import { describe, expect, it } from 'vitest';
import {
  type Account,
  type Actor,
  createPolicy,
  type EnrolledMethod,
  type PolicyConfig,
  REASON,
  type ReasonCode,
} from '../src/index.ts';
import { account, admin, holder, m } from './helpers.ts';

const app = m('authenticatorApp', 'app-1');
const sms = m('sms', 'sms-1');
const key1 = m('fido2', 'key-1', { deviceId: 'serial-1' });
const key2 = m('fido2', 'key-2', { deviceId: 'serial-2' });
const office = m('officePhone', 'office-1');
const stranger: Actor = { id: 'someone', roles: ['user'], mfaVerified: true };

interface EnrolScenario {
  id: string;
  config?: PolicyConfig;
  account: Account;
  method: EnrolledMethod;
  actor: Actor;
  allowed: boolean;
  reason: ReasonCode;
  notices?: string[];
}

const enrolScenarios: EnrolScenario[] = [
  {
    id: 'holder after MFA adds a key',
    account: account([app]),
    method: m('fido2', 'k'),
    actor: holder(),
    allowed: true,
    reason: REASON.ENROL_ALLOWED,
  },
  {
    id: 'holder without MFA may not add a second method',
    account: account([app]),
    method: m('fido2', 'k'),
    actor: holder(false),
    allowed: false,
    reason: REASON.MFA_SESSION_REQUIRED,
  },
  {
    id: 'holder with mfaVerified missing counts as without MFA',
    account: account([app]),
    method: m('sms', 's'),
    actor: { id: 'holder', roles: [] },
    allowed: false,
    reason: REASON.MFA_SESSION_REQUIRED,
  },
  {
    id: 'first method after a password only',
    account: account([]),
    method: m('authenticatorApp', 'a'),
    actor: holder(false),
    allowed: true,
    reason: REASON.ENROL_ALLOWED,
  },
  {
    id: 'first method may not be a bypass method',
    account: account([]),
    method: m('fido2', 'k'),
    actor: holder(false),
    allowed: false,
    reason: REASON.CORE_METHOD_REQUIRED,
  },
  {
    id: 'holder adds a key only once a core method exists',
    account: account([key1]),
    method: m('fido2', 'k'),
    actor: holder(),
    allowed: false,
    reason: REASON.CORE_METHOD_REQUIRED,
  },
  {
    id: 'holder with a key only may add a core method after password + key',
    account: account([key1]),
    method: m('authenticatorApp', 'a'),
    actor: holder(),
    allowed: true,
    reason: REASON.ENROL_ALLOWED,
  },
  {
    id: 'administrator registers a key on behalf',
    account: account([app]),
    method: m('fido2', 'k'),
    actor: admin(),
    allowed: true,
    reason: REASON.ENROL_ALLOWED,
  },
  {
    id: 'administrator registers a key on an account without core, with a notice',
    account: account([]),
    method: m('fido2', 'k'),
    actor: admin(true),
    allowed: true,
    reason: REASON.ENROL_ALLOWED,
    notices: ['BYPASS_WITHOUT_CORE'],
  },
  {
    id: 'administrator whose session lacks MFA',
    account: account([app]),
    method: m('fido2', 'k'),
    actor: admin(false),
    allowed: false,
    reason: REASON.MFA_SESSION_REQUIRED,
  },
  {
    id: 'administrator on behalf disabled',
    config: { enrolment: { adminOnBehalf: false } },
    account: account([app]),
    method: m('fido2', 'k'),
    actor: admin(),
    allowed: false,
    reason: REASON.ADMIN_ON_BEHALF_DISABLED,
  },
  {
    id: 'someone else without an administrator role',
    account: account([app]),
    method: m('fido2', 'k'),
    actor: stranger,
    allowed: false,
    reason: REASON.ACTOR_NOT_PERMITTED,
  },
  {
    id: 'configured administrator role may act on behalf',
    config: { administratorRoles: ['helpdesk'] },
    account: account([app]),
    method: m('fido2', 'k'),
    actor: { id: 'hd', roles: ['helpdesk'] },
    allowed: true,
    reason: REASON.ENROL_ALLOWED,
  },
  {
    id: 'self-service enrolment disabled',
    config: { enrolment: { selfService: false } },
    account: account([app]),
    method: m('fido2', 'k'),
    actor: holder(),
    allowed: false,
    reason: REASON.SELF_SERVICE_DISABLED,
  },
  {
    id: 'self-service enrolment of keys disabled (admins register keys)',
    config: { methods: { fido2: { selfServiceEnrolment: false } } },
    account: account([app]),
    method: m('fido2', 'k'),
    actor: holder(),
    allowed: false,
    reason: REASON.SELF_SERVICE_DISABLED,
  },
  {
    id: 'self-service of keys disabled still lets holders add an app',
    config: { methods: { fido2: { selfServiceEnrolment: false } } },
    account: account([app]),
    method: m('sms', 's'),
    actor: holder(),
    allowed: true,
    reason: REASON.ENROL_ALLOWED,
  },
  {
    id: 'disabled method kind',
    config: { methods: { sms: { enabled: false } } },
    account: account([app]),
    method: m('sms', 's'),
    actor: holder(),
    allowed: false,
    reason: REASON.METHOD_DISABLED,
  },
  {
    id: 'disabled for administrators too',
    config: { methods: { sms: { enabled: false } } },
    account: account([app]),
    method: m('sms', 's'),
    actor: admin(),
    allowed: false,
    reason: REASON.METHOD_DISABLED,
  },
  {
    id: 'office phone allowed but not recommended',
    account: account([app]),
    method: m('officePhone', 'o'),
    actor: holder(),
    allowed: true,
    reason: REASON.ENROL_ALLOWED,
    notices: ['METHOD_NOT_RECOMMENDED'],
  },
  {
    id: 'office phone disabled for hybrid accounts',
    config: {
      rules: [{ id: 'hybrid', when: { groups: ['hybrid'] }, set: { methods: { officePhone: { enabled: false } } } }],
    },
    account: account([app], [], ['hybrid']),
    method: m('officePhone', 'o'),
    actor: holder(),
    allowed: false,
    reason: REASON.METHOD_DISABLED,
  },
  {
    id: 'the same method id twice',
    account: account([app, key1]),
    method: m('fido2', 'key-1'),
    actor: holder(),
    allowed: false,
    reason: REASON.DUPLICATE_METHOD,
  },
  {
    id: 'the same key twice (same deviceId)',
    account: account([app, key1]),
    method: m('fido2', 'key-9', { deviceId: 'serial-1' }),
    actor: holder(),
    allowed: false,
    reason: REASON.DUPLICATE_METHOD,
  },
  {
    id: 'the same key twice where duplicates are allowed',
    config: { enrolment: { allowDuplicates: true } },
    account: account([app, key1]),
    method: m('fido2', 'key-9', { deviceId: 'serial-1' }),
    actor: holder(),
    allowed: true,
    reason: REASON.ENROL_ALLOWED,
  },
  {
    id: 'a different key',
    account: account([app, key1]),
    method: m('fido2', 'key-9', { deviceId: 'serial-9' }),
    actor: holder(),
    allowed: true,
    reason: REASON.ENROL_ALLOWED,
  },
  {
    id: 'key limit reached',
    config: { methods: { fido2: { maxPerAccount: 2 } } },
    account: account([app, key1, key2]),
    method: m('fido2', 'key-3'),
    actor: holder(),
    allowed: false,
    reason: REASON.LIMIT_REACHED,
  },
  {
    id: 'key limit not reached',
    config: { methods: { fido2: { maxPerAccount: 3 } } },
    account: account([app, key1, key2]),
    method: m('fido2', 'key-3'),
    actor: holder(),
    allowed: true,
    reason: REASON.ENROL_ALLOWED,
  },
  {
    id: 'default key limit is 10',
    account: account([app, ...Array.from({ length: 10 }, (_, i) => m('fido2', `k${i}`))]),
    method: m('fido2', 'k10'),
    actor: admin(),
    allowed: false,
    reason: REASON.LIMIT_REACHED,
  },
  {
    id: 'app password needs a core method',
    config: { methods: { appPassword: { enabled: true } } },
    account: account([]),
    method: m('appPassword', 'p'),
    actor: holder(false),
    allowed: false,
    reason: REASON.CORE_METHOD_REQUIRED,
  },
  {
    id: 'app passwords disabled by default',
    account: account([app]),
    method: m('appPassword', 'p'),
    actor: holder(),
    allowed: false,
    reason: REASON.METHOD_DISABLED,
  },
];

interface RemoveScenario {
  id: string;
  config?: PolicyConfig;
  account: Account;
  methodId: string;
  actor: Actor;
  allowed: boolean;
  reason: ReasonCode;
  sessions?: 'keepUntilNextSignIn' | 'revoke';
  notices?: string[];
}

const removeScenarios: RemoveScenario[] = [
  {
    id: 'holder after MFA removes a lost key, a core method remains',
    account: account([app, key1]),
    methodId: 'key-1',
    actor: holder(),
    allowed: true,
    reason: REASON.REMOVE_ALLOWED,
    sessions: 'keepUntilNextSignIn',
  },
  {
    id: 'holder without MFA may not remove anything',
    account: account([app, key1]),
    methodId: 'key-1',
    actor: holder(false),
    allowed: false,
    reason: REASON.MFA_SESSION_REQUIRED,
  },
  {
    id: 'holder may not leave keys without a core method',
    account: account([app, key1]),
    methodId: 'app-1',
    actor: holder(),
    allowed: false,
    reason: REASON.BYPASS_WITHOUT_CORE,
  },
  {
    id: 'holder may remove one core method when another remains',
    account: account([app, sms, key1]),
    methodId: 'app-1',
    actor: holder(),
    allowed: true,
    reason: REASON.REMOVE_ALLOWED,
  },
  {
    id: 'a disabled core method does not count as the remaining core',
    config: { methods: { officePhone: { enabled: false } } },
    account: account([app, office, key1]),
    methodId: 'app-1',
    actor: holder(),
    allowed: false,
    reason: REASON.BYPASS_WITHOUT_CORE,
  },
  {
    id: 'holder may not remove the last method',
    account: account([app]),
    methodId: 'app-1',
    actor: holder(),
    allowed: false,
    reason: REASON.LAST_METHOD,
  },
  {
    id: 'holder may remove the last method where allowed',
    config: { removal: { keepOneMethod: false } },
    account: account([app]),
    methodId: 'app-1',
    actor: holder(),
    allowed: true,
    reason: REASON.REMOVE_ALLOWED,
    notices: ['NO_METHOD_LEFT'],
  },
  {
    id: 'administrator may leave a key without core (lost phone)',
    account: account([app, key1]),
    methodId: 'app-1',
    actor: admin(),
    allowed: true,
    reason: REASON.REMOVE_ALLOWED,
    notices: ['BYPASS_WITHOUT_CORE'],
  },
  {
    id: 'administrator may remove the last method',
    account: account([app]),
    methodId: 'app-1',
    actor: admin(),
    allowed: true,
    reason: REASON.REMOVE_ALLOWED,
    notices: ['NO_METHOD_LEFT'],
  },
  {
    id: 'an administrator on their own account follows the holder rules',
    account: { ...account([app, key1], ['localAdmin']), id: 'la' },
    methodId: 'app-1',
    actor: admin(true),
    allowed: false,
    reason: REASON.BYPASS_WITHOUT_CORE,
  },
  {
    id: 'administrator whose session lacks MFA',
    account: account([app, key1]),
    methodId: 'key-1',
    actor: admin(false),
    allowed: false,
    reason: REASON.MFA_SESSION_REQUIRED,
  },
  {
    id: 'administrator removal disabled',
    config: { removal: { adminOnBehalf: false } },
    account: account([app, key1]),
    methodId: 'key-1',
    actor: admin(),
    allowed: false,
    reason: REASON.ADMIN_ON_BEHALF_DISABLED,
  },
  {
    id: 'self-service removal disabled',
    config: { removal: { selfService: false } },
    account: account([app, key1]),
    methodId: 'key-1',
    actor: holder(),
    allowed: false,
    reason: REASON.SELF_SERVICE_DISABLED,
  },
  {
    id: 'someone else',
    account: account([app, key1]),
    methodId: 'key-1',
    actor: stranger,
    allowed: false,
    reason: REASON.ACTOR_NOT_PERMITTED,
  },
  {
    id: 'unknown method id',
    account: account([app, key1]),
    methodId: 'key-7',
    actor: holder(),
    allowed: false,
    reason: REASON.METHOD_NOT_FOUND,
  },
  {
    id: 'sessions revoked where configured',
    config: { removal: { sessions: 'revoke' } },
    account: account([app, key1]),
    methodId: 'key-1',
    actor: holder(),
    allowed: true,
    reason: REASON.REMOVE_ALLOWED,
    sessions: 'revoke',
  },
  {
    id: 'sessions revoked only for administrators (targeting)',
    config: { rules: [{ id: 'admins', when: { roles: ['localAdmin'] }, set: { removal: { sessions: 'revoke' } } }] },
    account: account([app, key1]),
    methodId: 'key-1',
    actor: holder(),
    allowed: true,
    reason: REASON.REMOVE_ALLOWED,
    sessions: 'keepUntilNextSignIn',
  },
  {
    id: 'removing an app password never trips the core rules',
    config: { methods: { appPassword: { enabled: true } } },
    account: account([app, m('appPassword', 'p')]),
    methodId: 'p',
    actor: holder(),
    allowed: true,
    reason: REASON.REMOVE_ALLOWED,
  },
];

describe('canEnrol scenarios', () => {
  it.each(enrolScenarios)('$id', (s) => {
    const decision = createPolicy(s.config).canEnrol(s.account, s.method, s.actor);
    expect({ allowed: decision.allowed, reason: decision.reason }).toEqual({ allowed: s.allowed, reason: s.reason });
    expect(decision.notices).toEqual(s.notices);
    expect(decision.explain).toMatch(/^[A-Z][^.]*[.]$/);
  });
});

describe('canRemove scenarios', () => {
  it.each(removeScenarios)('$id', (s) => {
    const decision = createPolicy(s.config).canRemove(s.account, s.methodId, s.actor);
    expect({ allowed: decision.allowed, reason: decision.reason }).toEqual({ allowed: s.allowed, reason: s.reason });
    expect(decision.notices).toEqual(s.notices);
    if (s.allowed) expect(decision.effects).toEqual({ sessions: s.sessions ?? 'keepUntilNextSignIn' });
    else expect(decision.effects).toBeUndefined();
    expect(decision.explain).toMatch(/^[A-Z][^.]*[.]$/);
  });

  it('sends a holder who lost their only key-backup to the Local Administrator', () => {
    const decision = createPolicy().canRemove(account([app, key1]), 'app-1', holder());
    expect(decision.reason).toBe(REASON.BYPASS_WITHOUT_CORE);
    expect(decision.explain).toContain('contact your Local Administrator');
    expect(decision.next).toContainEqual({ kind: 'contactAdministrator' });
  });

  it('sends a holder who cannot pass MFA to the Local Administrator', () => {
    const decision = createPolicy().canRemove(account([key1, app]), 'key-1', holder(false));
    expect(decision.next).toEqual([{ kind: 'contactAdministrator' }]);
    expect(decision.explain).toContain('Local Administrator');
  });
});
