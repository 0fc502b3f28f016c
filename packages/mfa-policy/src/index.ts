/**
 * @keyward/mfa-policy
 *
 * @packageDocumentation
 */
export {};
