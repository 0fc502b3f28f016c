import { describe, expect, it } from 'vitest';
import { createPolicy, isPolicyConfigError, type PolicyConfigError } from './index.ts';

const policy = createPolicy();
const good = { id: 'u', roles: [], methods: [{ id: 'a', kind: 'authenticatorApp' }] };

function malformed(call: () => unknown): PolicyConfigError {
  try {
    call();
  } catch (error) {
    if (isPolicyConfigError(error)) return error;
    throw error;
  }
  throw new Error('expected ERR_MALFORMED');
}

const signIn: { name: string; account: unknown; attempt: unknown; path: string }[] = [
  { name: 'account not an object', account: 'u', attempt: { factors: [] }, path: 'account' },
  { name: 'account id empty', account: { ...good, id: '' }, attempt: { factors: [] }, path: 'account.id' },
  { name: 'roles not an array', account: { ...good, roles: 'admin' }, attempt: { factors: [] }, path: 'account.roles' },
  { name: 'role not a string', account: { ...good, roles: [1] }, attempt: { factors: [] }, path: 'account.roles[0]' },
  {
    name: 'groups not an array',
    account: { ...good, groups: 'hybrid' },
    attempt: { factors: [] },
    path: 'account.groups',
  },
  { name: 'methods missing', account: { id: 'u', roles: [] }, attempt: { factors: [] }, path: 'account.methods' },
  {
    name: 'unknown method kind',
    account: { ...good, methods: [{ id: 'e', kind: 'email' }] },
    attempt: { factors: [] },
    path: 'account.methods[0].kind',
  },
  {
    name: 'duplicate method id',
    account: {
      ...good,
      methods: [
        { id: 'a', kind: 'sms' },
        { id: 'a', kind: 'voice' },
      ],
    },
    attempt: { factors: [] },
    path: 'account.methods[1].id',
  },
  {
    name: 'label not a string',
    account: { ...good, methods: [{ id: 'a', kind: 'sms', label: 5 }] },
    attempt: { factors: [] },
    path: 'account.methods[0].label',
  },
  {
    name: 'empty deviceId',
    account: { ...good, methods: [{ id: 'a', kind: 'fido2', deviceId: '' }] },
    attempt: { factors: [] },
    path: 'account.methods[0].deviceId',
  },
  { name: 'factors missing', account: good, attempt: {}, path: 'attempt.factors' },
  {
    name: 'factor kind unknown',
    account: good,
    attempt: { factors: [{ kind: 'pin' }] },
    path: 'attempt.factors[0].kind',
  },
  {
    name: 'factor methodId empty',
    account: good,
    attempt: { factors: [{ kind: 'sms', methodId: '' }] },
    path: 'attempt.factors[0].methodId',
  },
  { name: 'context not an object', account: good, attempt: { factors: [], context: 1 }, path: 'attempt.context' },
  {
    name: 'client unknown',
    account: good,
    attempt: { factors: [], context: { client: 'imap' } },
    path: 'attempt.context.client',
  },
  {
    name: 'newDevice not boolean',
    account: good,
    attempt: { factors: [], context: { newDevice: 'yes' } },
    path: 'attempt.context.newDevice',
  },
  {
    name: 'unusualLocation not boolean',
    account: good,
    attempt: { factors: [], context: { unusualLocation: 1 } },
    path: 'attempt.context.unusualLocation',
  },
];

describe('input validation', () => {
  it.each(signIn)('evaluateSignIn: $name', ({ account, attempt, path }) => {
    const error = malformed(() => policy.evaluateSignIn(account as never, attempt as never));
    expect(error.code).toBe('ERR_MALFORMED');
    expect(error.path).toBe(path);
    expect(error.message).toContain(path);
  });

  it('canEnrol checks the method and the actor', () => {
    expect(malformed(() => policy.canEnrol(good as never, { id: 'k' } as never, { id: 'u', roles: [] })).path).toBe(
      'method.kind',
    );
    expect(malformed(() => policy.canEnrol(good as never, { id: 'k', kind: 'fido2' }, { id: 'u' } as never)).path).toBe(
      'actor.roles',
    );
    expect(
      malformed(() =>
        policy.canEnrol(good as never, { id: 'k', kind: 'fido2' }, { id: 'u', roles: [], mfaVerified: 'yes' } as never),
      ).path,
    ).toBe('actor.mfaVerified');
  });

  it('canRemove checks the method id and the actor', () => {
    expect(malformed(() => policy.canRemove(good as never, '', { id: 'u', roles: [] })).path).toBe('methodId');
    expect(malformed(() => policy.canRemove(good as never, 'a', null as never)).path).toBe('actor');
    expect(malformed(() => policy.canRemove({ ...good, id: 7 } as never, 'a', { id: 'u', roles: [] })).path).toBe(
      'account.id',
    );
  });

  it('methodCatalogue and effectiveSettings check the account', () => {
    expect(malformed(() => policy.methodCatalogue({ id: 'u' } as never)).path).toBe('account.roles');
    expect(malformed(() => policy.effectiveSettings([] as never)).path).toBe('account');
  });
});
