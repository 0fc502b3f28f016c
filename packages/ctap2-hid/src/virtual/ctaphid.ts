/**
 * Internal: the device side of CTAPHID (CTAP 2.1 §11.2): channel allocation, message reassembly
 * from initialization + continuation packets, per-transaction timeouts, busy and lock handling,
 * keepalives and cancel, and fragmentation of answers.
 */
import {
  CTAPHID_BROADCAST_CID,
  CTAPHID_CAPABILITY,
  CTAPHID_CMD,
  CTAPHID_ERR,
  CTAPHID_KEEPALIVE_STATUS,
  HID_CONT_PAYLOAD,
  HID_INIT_PAYLOAD,
  HID_REPORT_SIZE,
} from '../ctap2/constants.ts';
import { encodeMessage } from '../hid/packets.ts';
import type { RandomSource } from './keys.ts';

/** Sends one 64-byte report to the host. */
export type ReportSink = (report: Uint8Array) => void;

/** What the framing layer asks of the authenticator behind it. */
export interface CtaphidHandlers {
  /** CTAPHID_CBOR: a CTAP2 request → answer (status ‖ CBOR). */
  cbor(message: Uint8Array, signal: AbortSignal, setKeepalive: (status: number) => void): Promise<Uint8Array>;
  /** CTAPHID_MSG: a U2F request APDU → response APDU. */
  msg(message: Uint8Array): Uint8Array;
  /** CTAPHID_WINK. */
  wink(): void;
}

/** Framing settings. */
export interface CtaphidSettings {
  random: RandomSource;
  maxMsgSize: number;
  messageTimeoutMs: number;
  keepaliveIntervalMs: number;
  version: [number, number, number];
}

interface Assembly {
  cid: number;
  cmd: number;
  data: Uint8Array;
  filled: number;
  nextSeq: number;
  timer: ReturnType<typeof setTimeout>;
  reply: ReportSink;
}

interface Processing {
  cid: number;
  abort: AbortController;
  keepalive: ReturnType<typeof setInterval>;
  status: number;
}

const MAX_CHANNELS = 256;

/** One CTAPHID device. */
export class CtaphidDevice {
  private readonly handlers: CtaphidHandlers;
  private readonly settings: CtaphidSettings;
  private readonly channels = new Set<number>();
  private assembly: Assembly | undefined;
  private processing: Processing | undefined;
  private lock: { cid: number; timer: ReturnType<typeof setTimeout> } | undefined;
  private closed = false;

  constructor(handlers: CtaphidHandlers, settings: CtaphidSettings) {
    this.handlers = handlers;
    this.settings = settings;
  }

  /** Builds the reports of one message: an initialization packet and as many continuations as needed. */
  static frame(cid: number, cmd: number, payload: Uint8Array): Uint8Array[] {
    // The same CTAPHID framing the host uses; the device's own answers never exceed maxMsgSize.
    return encodeMessage(cid, cmd, payload);
  }

  private send(reply: ReportSink, cid: number, cmd: number, payload: Uint8Array): void {
    if (this.closed) return;
    for (const report of CtaphidDevice.frame(cid, cmd, payload)) {
      try {
        reply(report);
      } catch {
        // A failing sink (socket closed) must not take the device down.
        return;
      }
    }
  }

  private error(reply: ReportSink, cid: number, code: number): void {
    this.send(reply, cid, CTAPHID_CMD.ERROR, new Uint8Array([code]));
  }

  private allocateChannel(): number {
    for (;;) {
      const bytes = this.settings.random(4);
      const cid = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
      if (cid === 0 || cid === CTAPHID_BROADCAST_CID || this.channels.has(cid)) continue;
      if (this.channels.size >= MAX_CHANNELS) {
        const oldest = this.channels.values().next().value as number;
        this.channels.delete(oldest);
      }
      this.channels.add(cid);
      return cid;
    }
  }

  /** Feeds one report from the host. */
  handleReport(report: Uint8Array, reply: ReportSink): void {
    if (this.closed) return;
    if (report.length !== HID_REPORT_SIZE) {
      // Not a CTAPHID report; answer on its channel if it has one.
      if (report.length >= 4) {
        const cid = new DataView(report.buffer, report.byteOffset, 4).getUint32(0);
        this.error(reply, cid, CTAPHID_ERR.INVALID_LEN);
      }
      return;
    }
    const view = new DataView(report.buffer, report.byteOffset, report.byteLength);
    const cid = view.getUint32(0);
    const byte4 = report[4] as number;
    if (byte4 & 0x80) this.initPacket(cid, byte4 & 0x7f, view.getUint16(5), report, reply);
    else this.continuationPacket(cid, byte4, report, reply);
  }

  private initPacket(cid: number, cmd: number, bcnt: number, report: Uint8Array, reply: ReportSink): void {
    if (cid === 0) {
      this.error(reply, cid, CTAPHID_ERR.INVALID_CHANNEL);
      return;
    }
    if (cmd === CTAPHID_CMD.INIT) {
      this.init(cid, bcnt, report, reply);
      return;
    }
    if (cid === CTAPHID_BROADCAST_CID || !this.channels.has(cid)) {
      this.error(reply, cid, CTAPHID_ERR.INVALID_CHANNEL);
      return;
    }
    if (cmd === CTAPHID_CMD.CANCEL) {
      // §11.2.9.1.5: no answer of its own; the pending CBOR request ends with KEEPALIVE_CANCEL.
      if (this.processing?.cid === cid) this.processing.abort.abort();
      return;
    }
    if (this.lock && this.lock.cid !== cid) {
      this.error(reply, cid, CTAPHID_ERR.CHANNEL_BUSY);
      return;
    }
    if (this.assembly) {
      if (this.assembly.cid === cid) {
        this.abortAssembly();
        this.error(reply, cid, CTAPHID_ERR.INVALID_SEQ);
        return;
      }
      this.error(reply, cid, CTAPHID_ERR.CHANNEL_BUSY);
      return;
    }
    if (this.processing) {
      this.error(reply, cid, CTAPHID_ERR.CHANNEL_BUSY);
      return;
    }
    if (bcnt > this.settings.maxMsgSize) {
      this.error(reply, cid, CTAPHID_ERR.INVALID_LEN);
      return;
    }
    const data = new Uint8Array(bcnt);
    const first = Math.min(bcnt, HID_INIT_PAYLOAD);
    data.set(report.subarray(7, 7 + first));
    if (first === bcnt) {
      this.dispatch(cid, cmd, data, reply);
      return;
    }
    this.assembly = {
      cid,
      cmd,
      data,
      filled: first,
      nextSeq: 0,
      reply,
      timer: this.assemblyTimer(cid, reply),
    };
  }

  private assemblyTimer(cid: number, reply: ReportSink): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      if (this.assembly?.cid !== cid) return;
      this.assembly = undefined;
      this.error(reply, cid, CTAPHID_ERR.MSG_TIMEOUT);
    }, this.settings.messageTimeoutMs);
    timer.unref?.();
    return timer;
  }

  private abortAssembly(): void {
    if (!this.assembly) return;
    clearTimeout(this.assembly.timer);
    this.assembly = undefined;
  }

  private continuationPacket(cid: number, seq: number, report: Uint8Array, reply: ReportSink): void {
    const assembly = this.assembly;
    // A continuation from another live channel while one is being received: that channel is busy.
    if (assembly && assembly.cid !== cid && this.channels.has(cid)) {
      this.error(reply, cid, CTAPHID_ERR.CHANNEL_BUSY);
      return;
    }
    // Continuations outside any transaction are ignored (there is nothing to continue).
    if (!assembly || assembly.cid !== cid) return;
    if (seq !== assembly.nextSeq) {
      this.abortAssembly();
      this.error(reply, cid, CTAPHID_ERR.INVALID_SEQ);
      return;
    }
    const take = Math.min(HID_CONT_PAYLOAD, assembly.data.length - assembly.filled);
    assembly.data.set(report.subarray(5, 5 + take), assembly.filled);
    assembly.filled += take;
    assembly.nextSeq += 1;
    clearTimeout(assembly.timer);
    if (assembly.filled === assembly.data.length) {
      this.assembly = undefined;
      this.dispatch(cid, assembly.cmd, assembly.data, assembly.reply);
      return;
    }
    assembly.timer = this.assemblyTimer(cid, assembly.reply);
  }

  private init(cid: number, bcnt: number, report: Uint8Array, reply: ReportSink): void {
    // §11.2.9.1.3: the payload is an 8-byte nonce.
    if (bcnt !== 8) {
      this.error(reply, cid, CTAPHID_ERR.INVALID_LEN);
      return;
    }
    let channel: number;
    if (cid === CTAPHID_BROADCAST_CID) {
      channel = this.allocateChannel();
    } else {
      if (!this.channels.has(cid)) {
        this.error(reply, cid, CTAPHID_ERR.INVALID_CHANNEL);
        return;
      }
      // Resynchronisation: drop whatever this channel was doing.
      if (this.assembly?.cid === cid) this.abortAssembly();
      if (this.processing?.cid === cid) this.stopProcessing();
      channel = cid;
    }
    const answer = new Uint8Array(17);
    answer.set(report.subarray(7, 15), 0);
    new DataView(answer.buffer).setUint32(8, channel);
    answer[12] = 2; // CTAPHID protocol version
    answer[13] = this.settings.version[0];
    answer[14] = this.settings.version[1];
    answer[15] = this.settings.version[2];
    answer[16] = CTAPHID_CAPABILITY.WINK | CTAPHID_CAPABILITY.CBOR;
    this.send(reply, cid, CTAPHID_CMD.INIT, answer);
  }

  private stopProcessing(): void {
    if (!this.processing) return;
    clearInterval(this.processing.keepalive);
    this.processing.abort.abort();
    this.processing = undefined;
  }

  private dispatch(cid: number, cmd: number, data: Uint8Array, reply: ReportSink): void {
    switch (cmd) {
      case CTAPHID_CMD.PING:
        this.send(reply, cid, cmd, data);
        return;
      case CTAPHID_CMD.WINK:
        if (data.length !== 0) {
          this.error(reply, cid, CTAPHID_ERR.INVALID_LEN);
          return;
        }
        this.handlers.wink();
        this.send(reply, cid, cmd, new Uint8Array(0));
        return;
      case CTAPHID_CMD.LOCK: {
        if (data.length !== 1) {
          this.error(reply, cid, CTAPHID_ERR.INVALID_LEN);
          return;
        }
        const seconds = data[0] as number;
        if (seconds > 10) {
          this.error(reply, cid, CTAPHID_ERR.INVALID_PAR);
          return;
        }
        if (this.lock) clearTimeout(this.lock.timer);
        this.lock = undefined;
        if (seconds > 0) {
          const timer = setTimeout(() => {
            if (this.lock?.cid === cid) this.lock = undefined;
          }, seconds * 1000);
          timer.unref?.();
          this.lock = { cid, timer };
        }
        this.send(reply, cid, cmd, new Uint8Array(0));
        return;
      }
      case CTAPHID_CMD.MSG: {
        let answer: Uint8Array;
        try {
          answer = this.handlers.msg(data);
        } catch {
          answer = new Uint8Array([0x6f, 0x00]); // SW_UNKNOWN
        }
        this.send(reply, cid, cmd, answer);
        return;
      }
      case CTAPHID_CMD.CBOR:
        if (data.length === 0) {
          this.error(reply, cid, CTAPHID_ERR.INVALID_LEN);
          return;
        }
        this.cbor(cid, data, reply);
        return;
      default:
        this.error(reply, cid, CTAPHID_ERR.INVALID_CMD);
        return;
    }
  }

  private cbor(cid: number, data: Uint8Array, reply: ReportSink): void {
    const abort = new AbortController();
    const processing: Processing = {
      cid,
      abort,
      status: CTAPHID_KEEPALIVE_STATUS.PROCESSING,
      keepalive: setInterval(() => {
        if (this.processing === processing)
          this.send(reply, cid, CTAPHID_CMD.KEEPALIVE, new Uint8Array([processing.status]));
      }, this.settings.keepaliveIntervalMs),
    };
    this.processing = processing;
    const setKeepalive = (status: number): void => {
      const changed = processing.status !== status;
      processing.status = status;
      // Tell the host at once that a touch is needed; later ones follow the interval.
      if (changed && status === CTAPHID_KEEPALIVE_STATUS.UPNEEDED && this.processing === processing)
        this.send(reply, cid, CTAPHID_CMD.KEEPALIVE, new Uint8Array([status]));
    };
    const finish = (answer: Uint8Array): void => {
      clearInterval(processing.keepalive);
      if (this.processing !== processing) return; // resynchronised or closed meanwhile
      this.processing = undefined;
      this.send(reply, cid, CTAPHID_CMD.CBOR, answer);
    };
    this.handlers.cbor(data, abort.signal, setKeepalive).then(finish, () => finish(new Uint8Array([0x7f])));
  }

  /** Drops every transaction and channel (power cycle). */
  reset(): void {
    this.abortAssembly();
    this.stopProcessing();
    if (this.lock) clearTimeout(this.lock.timer);
    this.lock = undefined;
    this.channels.clear();
  }

  /** Stops for good: timers cleared, later reports ignored. */
  close(): void {
    this.reset();
    this.closed = true;
  }
}
