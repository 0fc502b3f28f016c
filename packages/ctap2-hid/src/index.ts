/**
 * @keyward/ctap2-hid
 *
 * @packageDocumentation
 */
export {};
