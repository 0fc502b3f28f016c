import { METHOD_KINDS } from './config/defaults.ts';
import { PolicyConfigError } from './errors.ts';
import { describeValue, joinPath } from './internal/json-schema.ts';
import type { Account, Actor, EnrolledMethod, SignInAttempt } from './types.ts';

function fail(path: string, message: string): never {
  throw new PolicyConfigError('ERR_MALFORMED', path, `Invalid input at ${path}: ${message}.`);
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(path, `expected an object but found ${describeValue(value)}`);
  }
  return value as Record<string, unknown>;
}

function id(value: unknown, path: string): void {
  if (typeof value !== 'string' || value.length === 0)
    fail(path, `expected a non-empty string but found ${describeValue(value)}`);
}

function optionalString(value: unknown, path: string): void {
  if (value !== undefined && typeof value !== 'string')
    fail(path, `expected a string but found ${describeValue(value)}`);
}

function optionalBoolean(value: unknown, path: string): void {
  if (value !== undefined && typeof value !== 'boolean')
    fail(path, `expected true or false but found ${describeValue(value)}`);
}

function strings(value: unknown, path: string): void {
  if (!Array.isArray(value)) fail(path, `expected an array of strings but found ${describeValue(value)}`);
  value.forEach((item, i) => {
    if (typeof item !== 'string') fail(joinPath(path, i), `expected a string but found ${describeValue(item)}`);
  });
}

function kind(value: unknown, path: string, extra: readonly string[] = []): void {
  if (typeof value !== 'string' || !([...METHOD_KINDS, ...extra] as string[]).includes(value)) {
    fail(path, `expected one of ${[...METHOD_KINDS, ...extra].join(', ')} but found ${describeValue(value)}`);
  }
}

/** Checks one enrolled (or candidate) method. */
export function checkMethod(value: unknown, path: string): asserts value is EnrolledMethod {
  const method = record(value, path);
  id(method.id, joinPath(path, 'id'));
  kind(method.kind, joinPath(path, 'kind'));
  optionalString(method.label, joinPath(path, 'label'));
  optionalString(method.createdAt, joinPath(path, 'createdAt'));
  if (method.deviceId !== undefined) id(method.deviceId, joinPath(path, 'deviceId'));
}

/** Checks an account: ids, roles, groups and methods with unique ids. */
export function checkAccount(value: unknown, path = 'account'): asserts value is Account {
  const account = record(value, path);
  id(account.id, joinPath(path, 'id'));
  strings(account.roles, joinPath(path, 'roles'));
  if (account.groups !== undefined) strings(account.groups, joinPath(path, 'groups'));
  const methodsPath = joinPath(path, 'methods');
  if (!Array.isArray(account.methods))
    fail(methodsPath, `expected an array but found ${describeValue(account.methods)}`);
  const seen = new Set<string>();
  account.methods.forEach((method: unknown, i: number) => {
    const itemPath = joinPath(methodsPath, i);
    checkMethod(method, itemPath);
    if (seen.has(method.id)) fail(joinPath(itemPath, 'id'), `method id ${describeValue(method.id)} appears twice`);
    seen.add(method.id);
  });
}

/** Checks an actor. */
export function checkActor(value: unknown, path = 'actor'): asserts value is Actor {
  const actor = record(value, path);
  id(actor.id, joinPath(path, 'id'));
  strings(actor.roles, joinPath(path, 'roles'));
  optionalBoolean(actor.mfaVerified, joinPath(path, 'mfaVerified'));
}

/** Checks a sign-in attempt. */
export function checkAttempt(value: unknown, path = 'attempt'): asserts value is SignInAttempt {
  const attempt = record(value, path);
  const factorsPath = joinPath(path, 'factors');
  if (!Array.isArray(attempt.factors))
    fail(factorsPath, `expected an array but found ${describeValue(attempt.factors)}`);
  attempt.factors.forEach((factor: unknown, i: number) => {
    const itemPath = joinPath(factorsPath, i);
    const f = record(factor, itemPath);
    kind(f.kind, joinPath(itemPath, 'kind'), ['password']);
    if (f.methodId !== undefined) id(f.methodId, joinPath(itemPath, 'methodId'));
  });
  if (attempt.context !== undefined) {
    const contextPath = joinPath(path, 'context');
    const context = record(attempt.context, contextPath);
    if (context.client !== undefined && context.client !== 'browser' && context.client !== 'legacy') {
      fail(
        joinPath(contextPath, 'client'),
        `expected "browser" or "legacy" but found ${describeValue(context.client)}`,
      );
    }
    optionalBoolean(context.newDevice, joinPath(contextPath, 'newDevice'));
    optionalBoolean(context.unusualLocation, joinPath(contextPath, 'unusualLocation'));
  }
}

/** Checks a method id passed on its own. */
export function checkMethodId(value: unknown, path = 'methodId'): asserts value is string {
  id(value, path);
}
