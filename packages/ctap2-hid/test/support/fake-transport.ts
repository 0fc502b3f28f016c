/** A scripted device for framing tests: every report the host sends goes to `respond`, which pushes answers. */

import { CtapError } from '../../src/errors.ts';
import { encodeMessage } from '../../src/hid/packets.ts';
import type { HidTransport } from '../../src/index.ts';
import { ReportQueue } from '../../src/transports/report-queue.ts';

export const CID = 0x01020304;

export type Responder = (report: Uint8Array, device: FakeTransport) => void;

export class FakeTransport implements HidTransport {
  readonly sent: Uint8Array[] = [];
  private readonly queue = new ReportQueue();
  respond: Responder;

  constructor(respond: Responder = () => undefined) {
    this.respond = respond;
  }

  push(report: Uint8Array): void {
    this.queue.push(report);
  }

  /** Pushes every packet of a message. */
  answer(cid: number, cmd: number, payload: Uint8Array): void {
    for (const report of encodeMessage(cid, cmd, payload)) this.push(report);
  }

  async send(report: Uint8Array): Promise<void> {
    this.sent.push(report);
    this.respond(report, this);
  }

  receive(timeoutMs: number): Promise<Uint8Array> {
    return this.queue.receive(timeoutMs);
  }

  async close(): Promise<void> {
    this.queue.close(new CtapError('ERR_CLOSED', 'closed'));
  }
}

/** The INIT answer for `nonce`: nonce, CID, version 2, device 1.2.3, capabilities. */
export function initAnswer(nonce: Uint8Array, cid: number = CID, capabilities: number = 0x05): Uint8Array {
  const out = new Uint8Array(17);
  out.set(nonce.subarray(0, 8));
  new DataView(out.buffer).setUint32(8, cid);
  out.set([2, 1, 2, 3, capabilities], 12);
  return out;
}

/** A responder that answers INIT properly and hands everything else to `then`. */
export function withInit(then: Responder, capabilities: number = 0x05): Responder {
  return (report, device) => {
    if (report[4] === 0x86) {
      device.answer(0xffffffff, 0x06, initAnswer(report.subarray(7, 15), CID, capabilities));
      return;
    }
    then(report, device);
  };
}
