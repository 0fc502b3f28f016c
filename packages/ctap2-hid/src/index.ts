/**
 * CTAP2 over USB HID: a host driver for FIDO2 security keys, a software authenticator that speaks
 * CTAPHID, and the `keyward-token` and `keyward-authenticator` command-line tools.
 *
 * @packageDocumentation
 */

// --- driver (host side): owned by the driver work ---
// --- end driver ---

// --- virtual authenticator (device side): owned by the virtual-authenticator work ---
// --- end virtual ---
