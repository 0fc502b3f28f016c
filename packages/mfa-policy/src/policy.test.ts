import { describe, expect, it } from 'vitest';
import { createPolicy, REASON } from './index.ts';

describe('createPolicy', () => {
  it('has the contract defaults in its catalogue', () => {
    const catalogue = createPolicy().methodCatalogue();
    const row = (kind: string) => catalogue.find((m) => m.kind === kind);
    for (const kind of ['authenticatorApp', 'sms', 'voice', 'alternatePhone']) {
      expect(row(kind)).toMatchObject({ enabled: true, role: 'core', recommended: true });
    }
    expect(row('officePhone')).toMatchObject({ enabled: true, role: 'core', recommended: false });
    expect(row('fido2')).toMatchObject({ enabled: true, role: 'bypass', phishingResistant: true, maxPerAccount: 10 });
    expect(row('smartcard')).toMatchObject({ enabled: true, role: 'bypass', phishingResistant: true });
    expect(row('smartcard')).not.toHaveProperty('maxPerAccount');
    expect(row('appPassword')).toMatchObject({ enabled: false, role: 'legacy' });
  });

  it('makes FIDO2 core with one switch', () => {
    const policy = createPolicy({ methods: { fido2: { role: 'core' } } });
    expect(policy.methodCatalogue().find((m) => m.kind === 'fido2')?.role).toBe('core');
    const keyOnly = { id: 'u', roles: [], methods: [{ id: 'k', kind: 'fido2' as const }] };
    expect(policy.evaluateSignIn(keyOnly, { factors: [{ kind: 'password' }, { kind: 'fido2' }] }).reason).toBe(
      REASON.MFA_SATISFIED,
    );
  });

  it('applies targeting rules in order, a later rule winning', () => {
    const policy = createPolicy({
      rules: [
        { id: 'first', set: { removal: { sessions: 'revoke' } } },
        { id: 'second', when: { groups: ['g'] }, set: { removal: { sessions: 'keepUntilNextSignIn' } } },
      ],
    });
    const inGroup = { id: 'u', roles: [], groups: ['g'], methods: [] };
    const outside = { id: 'u', roles: [], methods: [] };
    expect(policy.effectiveSettings(inGroup).removal.sessions).toBe('keepUntilNextSignIn');
    expect(policy.effectiveSettings(outside).removal.sessions).toBe('revoke');
    expect(policy.effectiveSettings().removal.sessions).toBe('keepUntilNextSignIn');
  });

  it('returns fresh settings objects that callers may change', () => {
    const policy = createPolicy();
    policy.effectiveSettings().methods.fido2.role = 'core';
    expect(policy.effectiveSettings().methods.fido2.role).toBe('bypass');
  });
});
