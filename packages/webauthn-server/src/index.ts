/**
 * @keyward/webauthn-server
 *
 * @packageDocumentation
 */
export {};
