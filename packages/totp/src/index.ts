/**
 * @keyward/totp
 *
 * @packageDocumentation
 */
export {};
