/**
 * A CTAPHID channel (CTAP 2.1 §11.2): CTAPHID_INIT with a checked nonce, one transaction at a
 * time, keepalives, cancel through `AbortSignal`, silence and overall timeouts. Reports for other
 * channels are skipped, as several programs may share a key.
 */
import { randomBytes } from '@keyward/internal';
import {
  CTAPHID_BROADCAST_CID,
  CTAPHID_CAPABILITY,
  CTAPHID_CMD,
  CTAPHID_KEEPALIVE_STATUS,
  HID_MAX_MESSAGE_SIZE,
} from '../ctap2/constants.ts';
import { CtapError, hidErrorName, isCtapError } from '../errors.ts';
import { encodeMessage, MessageAssembler, parsePacket } from './packets.ts';
import type { HidTransport } from './transport.ts';

/** What a key says while it works on a request (CTAPHID_KEEPALIVE, CTAP 2.1 §11.2.9.2.1). */
export type KeepaliveStatus = 'processing' | 'upNeeded';

/** Per-call options: cancellation, touch prompts and timeouts. */
export interface CallOptions {
  /** Cancels the request: CTAPHID_CANCEL is sent and the call rejects with `ERR_CANCELLED`. */
  signal?: AbortSignal;
  /**
   * Called when the key's keepalive status changes: `'upNeeded'` means "touch your security key".
   */
  onKeepalive?: (status: KeepaliveStatus) => void;
  /**
   * Longest the key may stay silent (no answer and no keepalive) before `ERR_TIMEOUT`.
   *
   * @defaultValue the client's `timeoutMs` (5000)
   */
  timeoutMs?: number;
  /**
   * Longest a whole request may take, keepalives included (a bound on keys that never finish).
   *
   * @defaultValue the client's `operationTimeoutMs` (120000)
   */
  operationTimeoutMs?: number;
}

/** CTAPHID channel options: how long to wait for the key, and how to end a cancelled request. Part of {@link Ctap2ClientOptions}. */
export interface ChannelOptions {
  /**
   * Longest the key may stay silent before `ERR_TIMEOUT`.
   *
   * @defaultValue 5000
   */
  timeoutMs?: number;
  /**
   * Longest a whole request may take, keepalives included.
   *
   * @defaultValue 120000
   */
  operationTimeoutMs?: number;
  /**
   * After an abort, how long to wait for the key to end the cancelled request.
   *
   * @defaultValue 1000
   */
  cancelGraceMs?: number;
  /** Random source for the INIT nonce (tests inject a fixed one). */
  random?: (length: number) => Uint8Array;
}

/** What CTAPHID_INIT told about the device (CTAP 2.1 §11.2.9.1.3). */
export interface HidDeviceInfo {
  /** The channel the device allocated. */
  cid: number;
  /** CTAPHID protocol version (2). */
  protocolVersion: number;
  /** Device version: major, minor, build. */
  deviceVersion: [number, number, number];
  /** Raw capability flags. */
  capabilities: number;
  /** CAPABILITY_WINK: the key can wink. */
  wink: boolean;
  /** CAPABILITY_CBOR: the key speaks CTAP2. */
  cbor: boolean;
  /** Not CAPABILITY_NMSG: the key speaks CTAP1/U2F (CTAPHID_MSG). */
  msg: boolean;
}

/** Internal: a CTAPHID channel on one transport. */
export class CtapHidChannel {
  readonly transport: HidTransport;
  readonly device: HidDeviceInfo;
  private readonly timeoutMs: number;
  private readonly operationTimeoutMs: number;
  private readonly cancelGraceMs: number;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(transport: HidTransport, device: HidDeviceInfo, options: ChannelOptions) {
    this.transport = transport;
    this.device = device;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.operationTimeoutMs = options.operationTimeoutMs ?? 120_000;
    this.cancelGraceMs = options.cancelGraceMs ?? 1000;
  }

  /** Sends CTAPHID_INIT on the broadcast channel and returns the allocated channel. */
  static async open(transport: HidTransport, options: ChannelOptions = {}): Promise<CtapHidChannel> {
    const nonce = (options.random ?? randomBytes)(8);
    if (nonce.length !== 8) throw new CtapError('ERR_INVALID_ARGUMENT', 'the INIT nonce must be 8 bytes');
    const probe = new CtapHidChannel(
      transport,
      {
        cid: CTAPHID_BROADCAST_CID,
        protocolVersion: 2,
        deviceVersion: [0, 0, 0],
        capabilities: 0,
        wink: false,
        cbor: false,
        msg: false,
      },
      options,
    );
    let foreign = 0;
    let answer: Uint8Array;
    try {
      answer = await probe.transact(CTAPHID_CMD.INIT, nonce, {}, (payload) => {
        // CTAP 2.1 §11.2.9.1.3: the answer echoes the 8-byte nonce; other hosts' answers are skipped.
        const ours = payload.length >= 8 && nonce.every((byte, i) => payload[i] === byte);
        if (!ours) foreign++;
        return ours;
      });
    } catch (error) {
      if (foreign > 0 && isCtapError(error) && error.code === 'ERR_TIMEOUT') {
        throw new CtapError(
          'ERR_NONCE_MISMATCH',
          `the device sent ${foreign} CTAPHID_INIT answer(s), none with the nonce sent`,
          { cause: error },
        );
      }
      throw error;
    }
    if (answer.length < 17) {
      throw new CtapError('ERR_MALFORMED', `CTAPHID_INIT answer of ${answer.length} bytes, expected at least 17`);
    }
    const view = new DataView(answer.buffer, answer.byteOffset, answer.byteLength);
    const cid = view.getUint32(8);
    if (cid === 0 || cid === CTAPHID_BROADCAST_CID) {
      throw new CtapError('ERR_MALFORMED', `CTAPHID_INIT allocated the reserved channel 0x${cid.toString(16)}`);
    }
    const capabilities = answer[16] as number;
    const device: HidDeviceInfo = {
      cid,
      protocolVersion: answer[12] as number,
      deviceVersion: [answer[13] as number, answer[14] as number, answer[15] as number],
      capabilities,
      wink: (capabilities & CTAPHID_CAPABILITY.WINK) !== 0,
      cbor: (capabilities & CTAPHID_CAPABILITY.CBOR) !== 0,
      msg: (capabilities & CTAPHID_CAPABILITY.NMSG) === 0,
    };
    return new CtapHidChannel(transport, device, options);
  }

  /** Sends one command and returns the answer's payload; calls are queued, one at a time. */
  call(cmd: number, payload: Uint8Array, options: CallOptions = {}): Promise<Uint8Array> {
    const run = this.queue.then(
      () => this.transact(cmd, payload, options),
      () => this.transact(cmd, payload, options),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Closes the transport; pending and later calls reject with `ERR_CLOSED`. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.transport.close();
  }

  private async send(report: Uint8Array): Promise<void> {
    try {
      await this.transport.send(report);
    } catch (error) {
      throw asTransportError(error, 'sending a report');
    }
  }

  private async transact(
    cmd: number,
    payload: Uint8Array,
    options: CallOptions,
    accept?: (payload: Uint8Array) => boolean,
  ): Promise<Uint8Array> {
    if (this.closed) throw new CtapError('ERR_CLOSED', 'the device was closed');
    const { signal } = options;
    if (signal?.aborted) throw cancelled(signal);
    const cid = this.device.cid;
    for (const report of encodeMessage(cid, cmd, payload)) await this.send(report);

    const silenceMs = options.timeoutMs ?? this.timeoutMs;
    const operationEnd = Date.now() + (options.operationTimeoutMs ?? this.operationTimeoutMs);
    let cancelEnd: number | undefined;
    let timedOut = false;
    const overtime = (): CtapError =>
      new CtapError('ERR_TIMEOUT', 'the device did not finish the request in time (keepalives only)');
    const sendCancel = (): void => {
      // CTAP 2.1 §11.2.9.1.5: CANCEL has no answer; the pending request ends with KEEPALIVE_CANCEL.
      if (cmd !== CTAPHID_CMD.CBOR && cmd !== CTAPHID_CMD.MSG) return;
      const [report] = encodeMessage(cid, CTAPHID_CMD.CANCEL, new Uint8Array(0));
      this.send(report as Uint8Array).catch(() => undefined);
    };
    const onAbort = (): void => {
      cancelEnd = Date.now() + this.cancelGraceMs;
      sendCancel();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    let lastStatus: number | undefined;
    let assembler: MessageAssembler | undefined;
    let skipped = 0;
    try {
      for (;;) {
        const now = Date.now();
        const end = Math.min(operationEnd, cancelEnd ?? Number.POSITIVE_INFINITY);
        if (now >= end) {
          if (timedOut || (cmd !== CTAPHID_CMD.CBOR && cmd !== CTAPHID_CMD.MSG)) throw overtime();
          if (cancelEnd !== undefined && signal) throw cancelled(signal);
          // The host gives up: tell the key to stop waiting for a touch, and let it end the request.
          timedOut = true;
          cancelEnd = now + this.cancelGraceMs;
          sendCancel();
          continue;
        }
        let report: Uint8Array;
        try {
          report = await this.transport.receive(Math.max(1, Math.min(silenceMs, end - now)));
        } catch (error) {
          if (timedOut) throw overtime();
          if (cancelEnd !== undefined && signal) throw cancelled(signal, error);
          if (isCtapError(error) && error.code === 'ERR_TIMEOUT') {
            sendCancel();
            const note = skipped > 0 ? ` (${skipped} report(s) for other channels skipped)` : '';
            throw new CtapError('ERR_TIMEOUT', `the device did not answer within ${silenceMs} ms${note}`, {
              cause: error,
            });
          }
          throw asTransportError(error, 'receiving a report');
        }
        if (this.closed) throw new CtapError('ERR_CLOSED', 'the device was closed');
        const packet = parsePacket(report);
        if (packet.cid !== cid) {
          skipped++;
          continue;
        }
        if (packet.kind === 'cont') {
          if (!assembler) {
            throw new CtapError(
              'ERR_MALFORMED',
              `CTAPHID continuation packet (seq ${packet.seq}) with no message started`,
            );
          }
          assembler.push(packet);
        } else if (packet.cmd === CTAPHID_CMD.KEEPALIVE) {
          if (assembler) throw new CtapError('ERR_MALFORMED', 'CTAPHID_KEEPALIVE in the middle of a message');
          const status = packet.bcnt >= 1 ? (packet.data[0] as number) : -1;
          if (status !== CTAPHID_KEEPALIVE_STATUS.PROCESSING && status !== CTAPHID_KEEPALIVE_STATUS.UPNEEDED) {
            throw new CtapError('ERR_MALFORMED', `CTAPHID_KEEPALIVE with unknown status ${status}`);
          }
          if (status !== lastStatus) {
            lastStatus = status;
            options.onKeepalive?.(status === CTAPHID_KEEPALIVE_STATUS.UPNEEDED ? 'upNeeded' : 'processing');
          }
          continue;
        } else if (packet.cmd === CTAPHID_CMD.ERROR) {
          const code = packet.bcnt >= 1 ? (packet.data[0] as number) : 0x7f;
          throw new CtapError('ERR_DEVICE', `the device answered CTAPHID_ERROR ${hidErrorName(code)}`, {
            hidError: code,
          });
        } else if (packet.cmd !== cmd) {
          throw new CtapError(
            'ERR_MALFORMED',
            `the device answered command 0x${packet.cmd.toString(16)} to command 0x${cmd.toString(16)}`,
          );
        } else {
          assembler = new MessageAssembler(packet, HID_MAX_MESSAGE_SIZE);
        }
        if (assembler.complete) {
          const answer = assembler.payload;
          assembler = undefined;
          if (accept && !accept(answer)) continue;
          if (timedOut) throw overtime();
          if (signal?.aborted) throw cancelled(signal);
          // The late end of an earlier request this host cancelled (CTAP2_ERR_KEEPALIVE_CANCEL alone): skip it.
          if (cmd === CTAPHID_CMD.CBOR && answer.length === 1 && answer[0] === 0x2d && cancelEnd === undefined)
            continue;
          return answer;
        }
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

function cancelled(signal: AbortSignal, cause: unknown = signal.reason): CtapError {
  return new CtapError('ERR_CANCELLED', 'the request was cancelled', { cause });
}

function asTransportError(error: unknown, what: string): CtapError {
  if (isCtapError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new CtapError('ERR_TRANSPORT', `${what} failed: ${message}`, { cause: error });
}
