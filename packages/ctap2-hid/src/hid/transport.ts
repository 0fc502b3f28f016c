/** The one interface every transport implements: one 64-byte HID report per call. */

/**
 * A way to exchange 64-byte CTAPHID reports with one device: USB through node-hid, UDP to a
 * virtual authenticator, or memory. Implement it to bring your own (WebHID, a recorder).
 *
 * @example
 * ```ts
 * const transport = await UdpHidTransport.connect('127.0.0.1', 8111);
 * const client = await Ctap2Client.open(transport);
 * ```
 */
export interface HidTransport {
  /**
   * Sends one report: exactly 64 bytes, CID first (transports that need a report-ID byte add it).
   *
   * @param report - The 64-byte report.
   */
  send(report: Uint8Array): Promise<void>;
  /**
   * Waits for the next report from the device.
   *
   * @param timeoutMs - How long to wait before rejecting with `CtapError` `ERR_TIMEOUT`.
   * @returns The 64-byte report.
   */
  receive(timeoutMs: number): Promise<Uint8Array>;
  /** Releases the device. Further calls reject with `ERR_CLOSED`. */
  close(): Promise<void>;
}
