/**
 * CTAPHID packets (CTAP 2.1 §11.2.4): splitting a message into 64-byte reports and putting
 * reports back together, with every length and sequence number checked.
 */
import { HID_CONT_PAYLOAD, HID_INIT_PAYLOAD, HID_MAX_MESSAGE_SIZE, HID_REPORT_SIZE } from '../ctap2/constants.ts';
import { CtapError } from '../errors.ts';

/** A parsed report: an initialization packet or a continuation packet. */
export type HidPacket =
  | { kind: 'init'; cid: number; cmd: number; bcnt: number; data: Uint8Array }
  | { kind: 'cont'; cid: number; seq: number; data: Uint8Array };

/** Splits `payload` into the reports that carry it on channel `cid` as command `cmd`. */
export function encodeMessage(cid: number, cmd: number, payload: Uint8Array): Uint8Array[] {
  if (payload.length > HID_MAX_MESSAGE_SIZE) {
    throw new CtapError(
      'ERR_REQUEST_TOO_LARGE',
      `CTAPHID message of ${payload.length} bytes exceeds the ${HID_MAX_MESSAGE_SIZE}-byte framing limit`,
    );
  }
  const reports: Uint8Array[] = [];
  const first = new Uint8Array(HID_REPORT_SIZE);
  const view = new DataView(first.buffer);
  view.setUint32(0, cid >>> 0);
  first[4] = 0x80 | (cmd & 0x7f);
  view.setUint16(5, payload.length);
  first.set(payload.subarray(0, HID_INIT_PAYLOAD), 7);
  reports.push(first);
  let offset = HID_INIT_PAYLOAD;
  for (let seq = 0; offset < payload.length; seq++) {
    const report = new Uint8Array(HID_REPORT_SIZE);
    new DataView(report.buffer).setUint32(0, cid >>> 0);
    report[4] = seq;
    report.set(payload.subarray(offset, offset + HID_CONT_PAYLOAD), 5);
    reports.push(report);
    offset += HID_CONT_PAYLOAD;
  }
  return reports;
}

/** Parses one report; anything but exactly 64 bytes is `ERR_MALFORMED`. */
export function parsePacket(report: Uint8Array): HidPacket {
  if (report.length !== HID_REPORT_SIZE) {
    throw new CtapError(
      'ERR_MALFORMED',
      `CTAPHID report of ${report.length} bytes, expected ${HID_REPORT_SIZE} (${report.length < HID_REPORT_SIZE ? 'truncated' : 'oversized'})`,
    );
  }
  const view = new DataView(report.buffer, report.byteOffset, report.byteLength);
  const cid = view.getUint32(0);
  const byte4 = report[4] as number;
  if (byte4 & 0x80) {
    const bcnt = view.getUint16(5);
    return { kind: 'init', cid, cmd: byte4 & 0x7f, bcnt, data: report.subarray(7) };
  }
  return { kind: 'cont', cid, seq: byte4, data: report.subarray(5) };
}

/**
 * Reassembles one message from its packets. Feed it the packets of one channel in order;
 * `push` returns the payload once complete.
 */
export class MessageAssembler {
  readonly cmd: number;
  private readonly buffer: Uint8Array;
  private filled: number;
  private nextSeq = 0;

  /** Starts a message from its initialization packet. */
  constructor(init: Extract<HidPacket, { kind: 'init' }>, maxLength: number = HID_MAX_MESSAGE_SIZE) {
    // CTAP 2.1 §11.2.4: BCNT is at most 64 − 7 + 128 × (64 − 5) = 7609.
    if (init.bcnt > maxLength) {
      throw new CtapError(
        'ERR_MALFORMED',
        `CTAPHID answer declares ${init.bcnt} bytes, more than the ${maxLength}-byte limit`,
      );
    }
    this.cmd = init.cmd;
    this.buffer = new Uint8Array(init.bcnt);
    const take = Math.min(init.bcnt, init.data.length);
    this.buffer.set(init.data.subarray(0, take));
    this.filled = take;
  }

  /** True once every byte has arrived. */
  get complete(): boolean {
    return this.filled === this.buffer.length;
  }

  /** The reassembled payload (only meaningful once {@link complete}). */
  get payload(): Uint8Array {
    return this.buffer;
  }

  /** Adds a continuation packet; a wrong sequence number is `ERR_MALFORMED`. */
  push(packet: Extract<HidPacket, { kind: 'cont' }>): void {
    if (packet.seq !== this.nextSeq) {
      throw new CtapError(
        'ERR_MALFORMED',
        `CTAPHID continuation packet with sequence ${packet.seq}, expected ${this.nextSeq}`,
      );
    }
    this.nextSeq++;
    const take = Math.min(this.buffer.length - this.filled, packet.data.length);
    this.buffer.set(packet.data.subarray(0, take), this.filled);
    this.filled += take;
  }
}
