/**
 * @keyward/webauthn-browser
 *
 * @packageDocumentation
 */
export {};
