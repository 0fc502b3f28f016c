/**
 * A pure, deterministic, explainable MFA policy engine: which methods count as core and which as
 * bypass, who may sign in on what, who may enrol and remove which method for whom, with a stable
 * reason code, a one-sentence explanation and an audit trail on every decision. The configuration
 * is plain JSON, validated strictly against the JSON Schema shipped as
 * `@keyward/mfa-policy/policy.schema.json`. The `keyward-policy` CLI simulates decisions.
 *
 * @packageDocumentation
 */

export type {
  AccountSelector,
  AppPasswordConfig,
  EffectiveSettings,
  EnrolmentConfig,
  MethodConfig,
  MethodRole,
  MethodsConfig,
  PolicyConfig,
  PolicyOverrides,
  RemovalConfig,
  ResolvedMethodConfig,
  RiskResponse,
  SignInConfig,
  TargetingRule,
} from './config/types.ts';
export { isPolicyConfigError, PolicyConfigError, type PolicyConfigErrorCode } from './errors.ts';
export { createPolicy, type MethodInfo, type MfaPolicy } from './policy.ts';
export { NOTICE, type NoticeCode, REASON, type ReasonCode, RULE, type RuleId } from './reasons.ts';
export type {
  Account,
  Actor,
  Decision,
  EnrolledMethod,
  MethodKind,
  NextStep,
  NextStepKind,
  RemovalEffects,
  SignInAttempt,
  SignInContext,
  SignInFactor,
  TraceEntry,
  TraceOutcome,
} from './types.ts';
