/**
 * A minimal CTAPHID host for the virtual authenticator's tests: raw reports in, raw reports out,
 * plus CBOR and PIN helpers. Deliberately independent of the driver in src/hid and src/client.
 */
import { decodeCbor, decodeCborPrefix, encodeCanonicalCbor, randomBytes } from '@keyward/internal';
import { sha256 } from '@noble/hashes/sha2.js';
import { CTAPHID_BROADCAST_CID, CTAPHID_CMD } from '../src/ctap2/constants.ts';
import { PinProtocol } from '../src/virtual/pin-protocol.ts';
import type { VirtualAuthenticator } from '../src/virtual/virtual-authenticator.ts';

export interface Frame {
  cid: number;
  cmd: number;
  payload: Uint8Array;
}

/** Builds the reports of one message (init + continuations), host side. */
export function frames(cid: number, cmd: number, payload: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  const first = new Uint8Array(64);
  const view = new DataView(first.buffer);
  view.setUint32(0, cid >>> 0);
  first[4] = 0x80 | cmd;
  view.setUint16(5, payload.length);
  first.set(payload.subarray(0, 57), 7);
  out.push(first);
  for (let offset = 57, seq = 0; offset < payload.length; offset += 59, seq++) {
    const r = new Uint8Array(64);
    new DataView(r.buffer).setUint32(0, cid >>> 0);
    r[4] = seq;
    r.set(payload.subarray(offset, offset + 59), 5);
    out.push(r);
  }
  return out;
}

export function report(cid: number, bytes: number[]): Uint8Array {
  const r = new Uint8Array(64);
  new DataView(r.buffer).setUint32(0, cid >>> 0);
  r.set(bytes, 4);
  return r;
}

/** Anything that takes reports and answers through a callback (the device, or a UDP link to it). */
export interface ReportDevice {
  handleReport(report: Uint8Array, reply: (report: Uint8Array) => void): void;
}

/** Collects the device's reports and reassembles messages. */
export class TestHost<D extends ReportDevice = VirtualAuthenticator> {
  readonly device: D;
  readonly received: Uint8Array[] = [];
  private waiters: (() => void)[] = [];

  constructor(device: D) {
    this.device = device;
  }

  readonly sink = (r: Uint8Array): void => {
    this.received.push(r.slice());
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  };

  send(r: Uint8Array): void {
    this.device.handleReport(r, this.sink);
  }

  sendMessage(cid: number, cmd: number, payload: Uint8Array): void {
    for (const r of frames(cid, cmd, payload)) this.send(r);
  }

  /** Next report for `cid` (waits). */
  async nextReport(cid: number): Promise<Uint8Array> {
    for (;;) {
      const index = this.received.findIndex((r) => new DataView(r.buffer).getUint32(0) === cid >>> 0);
      if (index >= 0) return this.received.splice(index, 1)[0] as Uint8Array;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Next whole message for `cid`; keepalives are returned as messages too unless skipped. */
  async nextMessage(cid: number, options: { keepalives?: number[] } = {}): Promise<Frame> {
    for (;;) {
      const first = await this.nextReport(cid);
      const view = new DataView(first.buffer);
      const cmd = (first[4] as number) & 0x7f;
      const length = view.getUint16(5);
      const payload = new Uint8Array(length);
      payload.set(first.subarray(7, 7 + Math.min(length, 57)));
      let filled = Math.min(length, 57);
      for (let seq = 0; filled < length; seq++) {
        const cont = await this.nextReport(cid);
        if (cont[4] !== seq) throw new Error(`bad seq ${cont[4]} expected ${seq}`);
        const take = Math.min(59, length - filled);
        payload.set(cont.subarray(5, 5 + take), filled);
        filled += take;
      }
      if (cmd === CTAPHID_CMD.KEEPALIVE && options.keepalives) {
        options.keepalives.push(payload[0] as number);
        continue;
      }
      return { cid, cmd, payload };
    }
  }

  async transact(cid: number, cmd: number, payload: Uint8Array, keepalives: number[] = []): Promise<Frame> {
    this.sendMessage(cid, cmd, payload);
    return this.nextMessage(cid, { keepalives });
  }

  /** CTAPHID_INIT on the broadcast channel; returns the new CID. */
  async init(): Promise<number> {
    const nonce = randomBytes(8);
    const answer = await this.transact(CTAPHID_BROADCAST_CID, CTAPHID_CMD.INIT, nonce);
    if (answer.cmd !== CTAPHID_CMD.INIT) throw new Error(`INIT answered cmd ${answer.cmd}`);
    return new DataView(answer.payload.buffer).getUint32(8);
  }

  /** One CTAP2 request; returns status and the decoded body. */
  async cbor(
    cid: number,
    command: number,
    params?: Map<number, unknown>,
    keepalives: number[] = [],
  ): Promise<{ status: number; body: Map<unknown, unknown>; raw: Uint8Array }> {
    const body = params ? encodeCanonicalCbor(params) : new Uint8Array(0);
    const message = new Uint8Array(body.length + 1);
    message[0] = command;
    message.set(body, 1);
    const answer = await this.transact(cid, CTAPHID_CMD.CBOR, message, keepalives);
    if (answer.cmd !== CTAPHID_CMD.CBOR)
      throw new Error(`CBOR answered cmd 0x${answer.cmd.toString(16)} ${answer.payload[0]}`);
    const status = answer.payload[0] as number;
    const rest = answer.payload.subarray(1);
    const decoded =
      rest.length > 0 ? (decodeCbor(rest, (m) => new Error(m)) as Map<unknown, unknown>) : new Map<unknown, unknown>();
    return { status, body: decoded, raw: answer.payload };
  }
}

/** Platform side of a PIN protocol session. */
export class PinClient {
  readonly host: TestHost<ReportDevice>;
  readonly cid: number;
  readonly version: 1 | 2;

  constructor(host: TestHost<ReportDevice>, cid: number, version: 1 | 2 = 2) {
    this.host = host;
    this.cid = cid;
    this.version = version;
  }

  async session(): Promise<{ platform: PinProtocol; shared: Uint8Array }> {
    const answer = await this.host.cbor(
      this.cid,
      0x06,
      new Map<number, unknown>([
        [1, this.version],
        [2, 2],
      ]),
    );
    if (answer.status !== 0) throw new Error(`getKeyAgreement failed ${answer.status}`);
    const deviceKey = answer.body.get(1) as Map<unknown, unknown>;
    const platform = new PinProtocol(this.version, randomBytes);
    const shared = platform.decapsulate(deviceKey);
    return { platform, shared };
  }

  static pad(pin: string | Uint8Array): Uint8Array {
    const bytes = typeof pin === 'string' ? new TextEncoder().encode(pin) : pin;
    const padded = new Uint8Array(64);
    padded.set(bytes.subarray(0, 64));
    return padded;
  }

  async setPin(pin: string | Uint8Array, padded?: Uint8Array): Promise<number> {
    const { platform, shared } = await this.session();
    const newPinEnc = platform.encrypt(shared, padded ?? PinClient.pad(pin));
    const r = await this.host.cbor(
      this.cid,
      0x06,
      new Map<number, unknown>([
        [1, this.version],
        [2, 3],
        [3, platform.publicKey()],
        [4, platform.authenticate(shared, newPinEnc)],
        [5, newPinEnc],
      ]),
    );
    return r.status;
  }

  async changePin(oldPin: string, newPin: string): Promise<number> {
    const { platform, shared } = await this.session();
    const pinHashEnc = platform.encrypt(shared, sha256(new TextEncoder().encode(oldPin)).slice(0, 16));
    const newPinEnc = platform.encrypt(shared, PinClient.pad(newPin));
    const joined = new Uint8Array(newPinEnc.length + pinHashEnc.length);
    joined.set(newPinEnc);
    joined.set(pinHashEnc, newPinEnc.length);
    const r = await this.host.cbor(
      this.cid,
      0x06,
      new Map<number, unknown>([
        [1, this.version],
        [2, 4],
        [3, platform.publicKey()],
        [4, platform.authenticate(shared, joined)],
        [5, newPinEnc],
        [6, pinHashEnc],
      ]),
    );
    return r.status;
  }

  /** getPinToken (permissions undefined) or getPinUvAuthTokenUsingPinWithPermissions. */
  async token(
    pin: string,
    permissions?: number,
    rpId?: string,
  ): Promise<{ status: number; token?: Uint8Array; platform: PinProtocol }> {
    const { platform, shared } = await this.session();
    const pinHashEnc = platform.encrypt(shared, sha256(new TextEncoder().encode(pin)).slice(0, 16));
    const params = new Map<number, unknown>([
      [1, this.version],
      [2, permissions === undefined ? 5 : 9],
      [3, platform.publicKey()],
      [6, pinHashEnc],
    ]);
    if (permissions !== undefined) params.set(9, permissions);
    if (rpId !== undefined) params.set(0x0a, rpId);
    const r = await this.host.cbor(this.cid, 0x06, params);
    if (r.status !== 0) return { status: r.status, platform };
    const token = platform.decrypt(shared, r.body.get(2) as Uint8Array);
    return token ? { status: 0, token, platform } : { status: r.status, platform };
  }

  async retries(): Promise<{ status: number; retries?: number; powerCycle?: boolean }> {
    const r = await this.host.cbor(
      this.cid,
      0x06,
      new Map<number, unknown>([
        [1, this.version],
        [2, 1],
      ]),
    );
    if (r.status !== 0) return { status: r.status };
    return { status: 0, retries: r.body.get(3) as number, powerCycle: r.body.get(4) as boolean };
  }
}

export function rpHash(rpId: string): Uint8Array {
  return sha256(new TextEncoder().encode(rpId));
}

/** A makeCredential parameter map. */
export function mcParams(options: {
  rpId?: string;
  userId?: Uint8Array;
  clientDataHash?: Uint8Array;
  rk?: boolean;
  algs?: number[];
  exclude?: Uint8Array[];
  extensions?: Map<string, unknown>;
  pinUvAuthParam?: Uint8Array;
  protocol?: number;
  extra?: [number, unknown][];
}): Map<number, unknown> {
  const m = new Map<number, unknown>([
    [1, options.clientDataHash ?? new Uint8Array(32).fill(1)],
    [
      2,
      new Map<string, unknown>([
        ['id', options.rpId ?? 'example.com'],
        ['name', 'Example'],
      ]),
    ],
    [
      3,
      new Map<string, unknown>([
        ['id', options.userId ?? new Uint8Array([1, 2, 3, 4])],
        ['name', 'alice'],
        ['displayName', 'Alice'],
      ]),
    ],
    [
      4,
      (options.algs ?? [-7]).map(
        (alg) =>
          new Map<string, unknown>([
            ['alg', alg],
            ['type', 'public-key'],
          ]),
      ),
    ],
  ]);
  if (options.exclude)
    m.set(
      5,
      options.exclude.map(
        (id) =>
          new Map<string, unknown>([
            ['id', id],
            ['type', 'public-key'],
          ]),
      ),
    );
  if (options.extensions) m.set(6, options.extensions);
  if (options.rk !== undefined) m.set(7, new Map<string, unknown>([['rk', options.rk]]));
  if (options.pinUvAuthParam) m.set(8, options.pinUvAuthParam);
  if (options.protocol !== undefined) m.set(9, options.protocol);
  for (const [k, v] of options.extra ?? []) m.set(k, v);
  return m;
}

/** A getAssertion parameter map. */
export function gaParams(options: {
  rpId?: string;
  clientDataHash?: Uint8Array;
  allow?: Uint8Array[];
  up?: boolean;
  extensions?: Map<string, unknown>;
  pinUvAuthParam?: Uint8Array;
  protocol?: number;
}): Map<number, unknown> {
  const m = new Map<number, unknown>([
    [1, options.rpId ?? 'example.com'],
    [2, options.clientDataHash ?? new Uint8Array(32).fill(2)],
  ]);
  if (options.allow)
    m.set(
      3,
      options.allow.map(
        (id) =>
          new Map<string, unknown>([
            ['id', id],
            ['type', 'public-key'],
          ]),
      ),
    );
  if (options.extensions) m.set(4, options.extensions);
  if (options.up !== undefined) m.set(5, new Map<string, unknown>([['up', options.up]]));
  if (options.pinUvAuthParam) m.set(6, options.pinUvAuthParam);
  if (options.protocol !== undefined) m.set(7, options.protocol);
  return m;
}

/** Parses authenticatorData enough for tests. */
export function parseAuthData(authData: Uint8Array): {
  rpIdHash: Uint8Array;
  flags: number;
  signCount: number;
  credentialId?: Uint8Array;
  publicKey?: Map<unknown, unknown>;
  extensions?: Map<unknown, unknown>;
} {
  const view = new DataView(authData.buffer, authData.byteOffset, authData.byteLength);
  const flags = authData[32] as number;
  const out: ReturnType<typeof parseAuthData> = {
    rpIdHash: authData.slice(0, 32),
    flags,
    signCount: view.getUint32(33),
  };
  let pos = 37;
  const fail = (m: string) => new Error(m);
  if (flags & 0x40) {
    const length = view.getUint16(53);
    out.credentialId = authData.slice(55, 55 + length);
    pos = 55 + length;
    const { value, end } = decodeCborPrefix(authData.subarray(pos), fail);
    out.publicKey = value as Map<unknown, unknown>;
    pos += end;
  }
  if (flags & 0x80) out.extensions = decodeCbor(authData.subarray(pos), fail) as Map<unknown, unknown>;
  return out;
}
