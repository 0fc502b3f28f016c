/** An in-memory transport to a software authenticator in the same process. */
import { HID_REPORT_SIZE } from '../ctap2/constants.ts';
import { CtapError } from '../errors.ts';
import type { HidTransport } from '../hid/transport.ts';
import { ReportQueue } from './report-queue.ts';

/**
 * The device side a {@link MemoryHidTransport} talks to: `VirtualAuthenticator` implements it,
 * and so can a test double.
 */
export interface HidReportHandler {
  /**
   * Takes one report from the host; every report the device sends back goes through `reply`,
   * possibly later.
   *
   * @param report - The 64-byte report.
   * @param reply - Delivers one 64-byte report to the host.
   */
  handleReport(report: Uint8Array, reply: (report: Uint8Array) => void): void;
}

/**
 * A transport to a {@link HidReportHandler} in the same process, such as a `VirtualAuthenticator`:
 * no sockets, no USB, for tests and demos.
 *
 * @example
 * ```ts
 * const key = new VirtualAuthenticator();
 * const client = await Ctap2Client.open(new MemoryHidTransport(key));
 * ```
 */
export class MemoryHidTransport implements HidTransport {
  private readonly device: HidReportHandler;
  private readonly queue = new ReportQueue();
  private closed = false;

  /**
   * @param device - The device to talk to.
   */
  constructor(device: HidReportHandler) {
    this.device = device;
  }

  /**
   * Hands one report to the device.
   *
   * @param report - The 64-byte report.
   * @throws {@link CtapError} `ERR_INVALID_ARGUMENT` for another size, `ERR_CLOSED`, `ERR_TRANSPORT` when the device throws.
   */
  async send(report: Uint8Array): Promise<void> {
    if (this.closed) throw new CtapError('ERR_CLOSED', 'the memory transport is closed');
    if (report.length !== HID_REPORT_SIZE) {
      throw new CtapError('ERR_INVALID_ARGUMENT', `report of ${report.length} bytes, expected 64`);
    }
    try {
      this.device.handleReport(report.slice(), (answer) => {
        if (!this.closed) this.queue.push(answer.slice());
      });
    } catch (cause) {
      throw new CtapError('ERR_TRANSPORT', 'the device failed to take the report', { cause });
    }
  }

  /**
   * Waits for the next report from the device.
   *
   * @param timeoutMs - How long to wait.
   * @returns The report.
   * @throws {@link CtapError} `ERR_TIMEOUT`, `ERR_CLOSED`.
   */
  receive(timeoutMs: number): Promise<Uint8Array> {
    return this.queue.receive(timeoutMs);
  }

  /** Stops listening to the device (the device itself stays usable). */
  async close(): Promise<void> {
    this.closed = true;
    this.queue.close(new CtapError('ERR_CLOSED', 'the memory transport is closed'));
  }
}
