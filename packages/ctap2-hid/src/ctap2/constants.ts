/**
 * CTAP 2.1 / CTAPHID constants, shared by the host driver and the virtual authenticator.
 * Values are from CTAP 2.1 (Proposed Standard, 2021-06-15) §6 and §11.2; names keep the spec's spelling.
 */

/** CTAPHID report size on full-speed USB (CTAP 2.1 §11.2.4). */
export const HID_REPORT_SIZE = 64;
/** The broadcast channel id used only for CTAPHID_INIT (CTAP 2.1 §11.2.3). */
export const CTAPHID_BROADCAST_CID = 0xffffffff;
/** Payload bytes in an initialization packet: 64 − CID(4) − CMD(1) − BCNT(2). */
export const HID_INIT_PAYLOAD: number = HID_REPORT_SIZE - 7;
/** Payload bytes in a continuation packet: 64 − CID(4) − SEQ(1). */
export const HID_CONT_PAYLOAD: number = HID_REPORT_SIZE - 5;
/** Largest message the framing can carry: one init + 128 continuation packets (7609 bytes). */
export const HID_MAX_MESSAGE_SIZE: number = HID_INIT_PAYLOAD + 128 * HID_CONT_PAYLOAD;

/** CTAPHID commands (CTAP 2.1 §11.2.9), without the 0x80 init-packet bit. */
export const CTAPHID_CMD = {
  PING: 0x01,
  MSG: 0x03,
  LOCK: 0x04,
  INIT: 0x06,
  WINK: 0x08,
  CBOR: 0x10,
  CANCEL: 0x11,
  KEEPALIVE: 0x3b,
  ERROR: 0x3f,
} as const;

/** CTAPHID_ERROR codes (CTAP 2.1 §11.2.9.1.6). */
export const CTAPHID_ERR = {
  INVALID_CMD: 0x01,
  INVALID_PAR: 0x02,
  INVALID_LEN: 0x03,
  INVALID_SEQ: 0x04,
  MSG_TIMEOUT: 0x05,
  CHANNEL_BUSY: 0x06,
  LOCK_REQUIRED: 0x0a,
  INVALID_CHANNEL: 0x0b,
  OTHER: 0x7f,
} as const;

/** CTAPHID_KEEPALIVE status bytes (CTAP 2.1 §11.2.9.2.1). */
export const CTAPHID_KEEPALIVE_STATUS = {
  PROCESSING: 1,
  UPNEEDED: 2,
} as const;

/** CTAPHID_INIT capability flags (CTAP 2.1 §11.2.9.1.3). */
export const CTAPHID_CAPABILITY = {
  WINK: 0x01,
  CBOR: 0x04,
  NMSG: 0x08,
} as const;

/** authenticator API command bytes (CTAP 2.1 §6). */
export const CTAP2_CMD = {
  makeCredential: 0x01,
  getAssertion: 0x02,
  getInfo: 0x04,
  clientPIN: 0x06,
  reset: 0x07,
  getNextAssertion: 0x08,
  bioEnrollment: 0x09,
  credentialManagement: 0x0a,
  selection: 0x0b,
  largeBlobs: 0x0c,
  config: 0x0d,
  prototypeCredentialManagement: 0x41,
} as const;

/** authenticatorClientPIN subCommands (CTAP 2.1 §6.5.5). */
export const CLIENT_PIN_SUBCMD = {
  getPINRetries: 0x01,
  getKeyAgreement: 0x02,
  setPIN: 0x03,
  changePIN: 0x04,
  getPINToken: 0x05,
  getPinUvAuthTokenUsingUvWithPermissions: 0x06,
  getUVRetries: 0x07,
  getPinUvAuthTokenUsingPinWithPermissions: 0x09,
} as const;

/** pinUvAuthToken permissions (CTAP 2.1 §6.5.5.7). */
export const PIN_PERMISSION = {
  mc: 0x01,
  ga: 0x02,
  cm: 0x04,
  be: 0x08,
  lbw: 0x10,
  acfg: 0x20,
} as const;

/** authenticatorCredentialManagement subCommands (CTAP 2.1 §6.8). */
export const CRED_MGMT_SUBCMD = {
  getCredsMetadata: 0x01,
  enumerateRPsBegin: 0x02,
  enumerateRPsGetNextRP: 0x03,
  enumerateCredentialsBegin: 0x04,
  enumerateCredentialsGetNextCredential: 0x05,
  deleteCredential: 0x06,
  updateUserInformation: 0x07,
} as const;

/** authenticatorConfig subCommands (CTAP 2.1 §6.11). */
export const CONFIG_SUBCMD = {
  enableEnterpriseAttestation: 0x01,
  toggleAlwaysUv: 0x02,
  setMinPINLength: 0x03,
  vendorPrototype: 0xff,
} as const;

/** CTAP2 status codes (CTAP 2.1 §8.2), by their spec names. */
export const CTAP2_STATUS = {
  CTAP2_OK: 0x00,
  CTAP1_ERR_INVALID_COMMAND: 0x01,
  CTAP1_ERR_INVALID_PARAMETER: 0x02,
  CTAP1_ERR_INVALID_LENGTH: 0x03,
  CTAP1_ERR_INVALID_SEQ: 0x04,
  CTAP1_ERR_TIMEOUT: 0x05,
  CTAP1_ERR_CHANNEL_BUSY: 0x06,
  CTAP1_ERR_LOCK_REQUIRED: 0x0a,
  CTAP1_ERR_INVALID_CHANNEL: 0x0b,
  CTAP2_ERR_CBOR_UNEXPECTED_TYPE: 0x11,
  CTAP2_ERR_INVALID_CBOR: 0x12,
  CTAP2_ERR_MISSING_PARAMETER: 0x14,
  CTAP2_ERR_LIMIT_EXCEEDED: 0x15,
  CTAP2_ERR_FP_DATABASE_FULL: 0x17,
  CTAP2_ERR_LARGE_BLOB_STORAGE_FULL: 0x18,
  CTAP2_ERR_CREDENTIAL_EXCLUDED: 0x19,
  CTAP2_ERR_PROCESSING: 0x21,
  CTAP2_ERR_INVALID_CREDENTIAL: 0x22,
  CTAP2_ERR_USER_ACTION_PENDING: 0x23,
  CTAP2_ERR_OPERATION_PENDING: 0x24,
  CTAP2_ERR_NO_OPERATIONS: 0x25,
  CTAP2_ERR_UNSUPPORTED_ALGORITHM: 0x26,
  CTAP2_ERR_OPERATION_DENIED: 0x27,
  CTAP2_ERR_KEY_STORE_FULL: 0x28,
  CTAP2_ERR_UNSUPPORTED_OPTION: 0x2b,
  CTAP2_ERR_INVALID_OPTION: 0x2c,
  CTAP2_ERR_KEEPALIVE_CANCEL: 0x2d,
  CTAP2_ERR_NO_CREDENTIALS: 0x2e,
  CTAP2_ERR_USER_ACTION_TIMEOUT: 0x2f,
  CTAP2_ERR_NOT_ALLOWED: 0x30,
  CTAP2_ERR_PIN_INVALID: 0x31,
  CTAP2_ERR_PIN_BLOCKED: 0x32,
  CTAP2_ERR_PIN_AUTH_INVALID: 0x33,
  CTAP2_ERR_PIN_AUTH_BLOCKED: 0x34,
  CTAP2_ERR_PIN_NOT_SET: 0x35,
  CTAP2_ERR_PUAT_REQUIRED: 0x36,
  CTAP2_ERR_PIN_POLICY_VIOLATION: 0x37,
  CTAP2_ERR_REQUEST_TOO_LARGE: 0x39,
  CTAP2_ERR_ACTION_TIMEOUT: 0x3a,
  CTAP2_ERR_UP_REQUIRED: 0x3b,
  CTAP2_ERR_UV_BLOCKED: 0x3c,
  CTAP2_ERR_INTEGRITY_FAILURE: 0x3d,
  CTAP2_ERR_INVALID_SUBCOMMAND: 0x3e,
  CTAP2_ERR_UV_INVALID: 0x3f,
  CTAP2_ERR_UNAUTHORIZED_PERMISSION: 0x40,
  CTAP1_ERR_OTHER: 0x7f,
  CTAP2_ERR_SPEC_LAST: 0xdf,
  CTAP2_ERR_EXTENSION_FIRST: 0xe0,
  CTAP2_ERR_EXTENSION_LAST: 0xef,
  CTAP2_ERR_VENDOR_FIRST: 0xf0,
  CTAP2_ERR_VENDOR_LAST: 0xff,
} as const;

/** The name of a CTAP2 status code. */
export type Ctap2StatusName = keyof typeof CTAP2_STATUS;

/** U2F (CTAP1) APDU instructions and status words (FIDO U2F Raw Message Formats §3, §6). */
export const U2F = {
  INS_REGISTER: 0x01,
  INS_AUTHENTICATE: 0x02,
  INS_VERSION: 0x03,
  AUTH_ENFORCE: 0x03,
  AUTH_CHECK_ONLY: 0x07,
  AUTH_DONT_ENFORCE: 0x08,
  SW_NO_ERROR: 0x9000,
  SW_CONDITIONS_NOT_SATISFIED: 0x6985,
  SW_WRONG_DATA: 0x6a80,
  SW_WRONG_LENGTH: 0x6700,
  SW_CLA_NOT_SUPPORTED: 0x6e00,
  SW_INS_NOT_SUPPORTED: 0x6d00,
} as const;
