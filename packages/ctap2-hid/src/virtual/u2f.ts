/**
 * Internal: CTAP1/U2F over CTAPHID_MSG (FIDO U2F Raw Message Formats v1.2 §4–6, CTAP 2.1 §11.2.9.1.1).
 * U2F has no keepalive: a request needing a touch answers SW_CONDITIONS_NOT_SATISFIED at once and
 * the host retries; the approver's answer is remembered for the retry (for 10 s).
 */
import { bytesToHex, concatBytes } from '@keyward/internal';
import { U2F } from '../ctap2/constants.ts';
import type { Core } from './core.ts';
import { COSE_ALG, generatePrivateKey, p256PublicKey, signData, wrapCredential } from './keys.ts';

/** SW_COMMAND_NOT_ALLOWED (ISO 7816-4): U2F is refused while alwaysUv is on (CTAP 2.1 §6.11.2). */
const SW_COMMAND_NOT_ALLOWED = 0x6986;
const GRANT_MS = 10_000;

function sw(code: number, data?: Uint8Array): Uint8Array {
  const tail = new Uint8Array([code >> 8, code & 0xff]);
  return data ? concatBytes(data, tail) : tail;
}

interface Apdu {
  cla: number;
  ins: number;
  p1: number;
  data: Uint8Array;
}

/** Parses short or extended-length command APDUs; `undefined` when the lengths do not add up. */
function parseApdu(bytes: Uint8Array): Apdu | undefined {
  if (bytes.length < 4) return undefined;
  const head = { cla: bytes[0] as number, ins: bytes[1] as number, p1: bytes[2] as number };
  if (bytes.length === 4) return { ...head, data: new Uint8Array(0) };
  if (bytes.length === 5) return { ...head, data: new Uint8Array(0) }; // Le only
  if (bytes[4] === 0) {
    // Extended: 00 Lc1 Lc2 data [Le1 Le2]
    if (bytes.length < 7) return undefined;
    const lc = ((bytes[5] as number) << 8) | (bytes[6] as number);
    const rest = bytes.length - 7 - lc;
    if (rest !== 0 && rest !== 2) return undefined;
    return { ...head, data: bytes.slice(7, 7 + lc) };
  }
  const lc = bytes[4] as number;
  const rest = bytes.length - 5 - lc;
  if (rest !== 0 && rest !== 1) return undefined;
  return { ...head, data: bytes.slice(5, 5 + lc) };
}

/** Remembers touches granted for U2F retries. */
export class U2fPresence {
  private readonly pending = new Set<string>();
  private readonly granted = new Map<string, number>();
  private readonly aborts = new Set<AbortController>();

  /** `true` when the user has touched for this request (now or on an earlier try). */
  check(core: Core, kind: 'u2fRegister' | 'u2fAuthenticate', application: Uint8Array): boolean {
    const key = `${kind}:${bytesToHex(application)}`;
    const now = core.settings.now();
    const until = this.granted.get(key);
    if (until !== undefined) {
      this.granted.delete(key);
      if (now <= until) return true;
    }
    if (this.pending.has(key)) return false;
    const controller = new AbortController();
    let answer: Promise<boolean> | boolean;
    try {
      answer = core.settings.presence({ kind, signal: controller.signal });
    } catch {
      return false;
    }
    if (typeof answer === 'boolean') return answer;
    this.pending.add(key);
    this.aborts.add(controller);
    const timer = setTimeout(() => controller.abort(), core.settings.presenceTimeoutMs);
    const settle = (approved: boolean): void => {
      clearTimeout(timer);
      this.aborts.delete(controller);
      this.pending.delete(key);
      if (approved && !controller.signal.aborted) this.granted.set(key, core.settings.now() + GRANT_MS);
    };
    Promise.resolve(answer).then(
      (approved) => settle(approved === true),
      () => settle(false),
    );
    return false;
  }

  /** Forgets everything (power cycle, close). */
  clear(): void {
    for (const controller of this.aborts) controller.abort();
    this.aborts.clear();
    this.pending.clear();
    this.granted.clear();
  }
}

/** Handles one U2F request APDU and returns the response APDU (data ‖ SW). */
export function handleU2f(core: Core, presence: U2fPresence, message: Uint8Array): Uint8Array {
  const apdu = parseApdu(message);
  if (!apdu) return sw(U2F.SW_WRONG_LENGTH);
  if (apdu.cla !== 0) return sw(U2F.SW_CLA_NOT_SUPPORTED);
  switch (apdu.ins) {
    case U2F.INS_VERSION:
      if (apdu.data.length !== 0) return sw(U2F.SW_WRONG_LENGTH);
      return sw(U2F.SW_NO_ERROR, new TextEncoder().encode('U2F_V2'));
    case U2F.INS_REGISTER: {
      if (apdu.data.length !== 64) return sw(U2F.SW_WRONG_LENGTH);
      if (core.state.alwaysUv) return sw(SW_COMMAND_NOT_ALLOWED);
      const challenge = apdu.data.subarray(0, 32);
      const application = apdu.data.subarray(32, 64);
      if (!presence.check(core, 'u2fRegister', application)) return sw(U2F.SW_CONDITIONS_NOT_SATISFIED);
      const privateKey = generatePrivateKey(COSE_ALG.ES256, core.settings.random);
      const keyHandle = wrapCredential(
        core.state.masterKey,
        application,
        { kind: 2, alg: COSE_ALG.ES256, credProtect: 1, hmacSecret: false, privateKey },
        core.settings.random,
      );
      const publicKey = p256PublicKey(privateKey);
      // §4.3: signature over 0x00 ‖ application ‖ challenge ‖ key handle ‖ user public key.
      const signed = concatBytes(new Uint8Array([0]), application, challenge, keyHandle, publicKey);
      const signature = signData(COSE_ALG.ES256, core.state.batchPrivateKey, signed);
      return sw(
        U2F.SW_NO_ERROR,
        concatBytes(
          new Uint8Array([0x05]),
          publicKey,
          new Uint8Array([keyHandle.length]),
          keyHandle,
          core.state.batchCertificate,
          signature,
        ),
      );
    }
    case U2F.INS_AUTHENTICATE: {
      if (apdu.data.length < 65 || apdu.data.length !== 65 + (apdu.data[64] as number)) return sw(U2F.SW_WRONG_LENGTH);
      if (core.state.alwaysUv) return sw(SW_COMMAND_NOT_ALLOWED);
      const challenge = apdu.data.subarray(0, 32);
      const application = apdu.data.subarray(32, 64);
      const keyHandle = apdu.data.subarray(65);
      const found = core.findCredential(application, keyHandle);
      if (!found || found.alg !== COSE_ALG.ES256 || found.credProtect === 3) return sw(U2F.SW_WRONG_DATA);
      if (apdu.p1 === U2F.AUTH_CHECK_ONLY) return sw(U2F.SW_CONDITIONS_NOT_SATISFIED);
      if (apdu.p1 !== U2F.AUTH_ENFORCE && apdu.p1 !== U2F.AUTH_DONT_ENFORCE) return sw(U2F.SW_WRONG_DATA);
      let presenceByte = 0;
      if (apdu.p1 === U2F.AUTH_ENFORCE) {
        if (!presence.check(core, 'u2fAuthenticate', application)) return sw(U2F.SW_CONDITIONS_NOT_SATISFIED);
        presenceByte = 1;
      }
      const counter = core.nextSignCount();
      const counterBytes = new Uint8Array([
        counter >>> 24,
        (counter >>> 16) & 0xff,
        (counter >>> 8) & 0xff,
        counter & 0xff,
      ]);
      // §5.4: signature over application ‖ user presence ‖ counter ‖ challenge.
      const signature = signData(
        COSE_ALG.ES256,
        found.privateKey,
        concatBytes(application, new Uint8Array([presenceByte]), counterBytes, challenge),
      );
      return sw(U2F.SW_NO_ERROR, concatBytes(new Uint8Array([presenceByte]), counterBytes, signature));
    }
    default:
      return sw(U2F.SW_INS_NOT_SUPPORTED);
  }
}
