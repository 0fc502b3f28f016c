import type { Account, Actor, EnrolledMethod, MethodKind } from '../src/index.ts';

/** A method with id `<kind>-<n>`. */
export function m(kind: MethodKind, id: string = kind, extra: Partial<EnrolledMethod> = {}): EnrolledMethod {
  return { id, kind, ...extra };
}

/** An account; `roles` and `groups` default to none. */
export function account(methods: EnrolledMethod[], roles: string[] = [], groups?: string[]): Account {
  const result: Account = { id: 'holder', roles, methods };
  if (groups) result.groups = groups;
  return result;
}

/** The account holder, with or without an MFA session. */
export function holder(mfaVerified = true, roles: string[] = []): Actor {
  return { id: 'holder', roles, mfaVerified };
}

/** A Local Administrator acting on someone else's account. */
export function admin(mfaVerified?: boolean): Actor {
  const actor: Actor = { id: 'la', roles: ['localAdmin'] };
  if (mfaVerified !== undefined) actor.mfaVerified = mfaVerified;
  return actor;
}
