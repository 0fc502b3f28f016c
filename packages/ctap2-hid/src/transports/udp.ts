/** CTAPHID over UDP: one datagram per 64-byte report, as `keyward-authenticator serve --udp` speaks it. */
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { HID_REPORT_SIZE } from '../ctap2/constants.ts';
import { CtapError } from '../errors.ts';
import type { HidTransport } from '../hid/transport.ts';
import { ReportQueue } from './report-queue.ts';

/**
 * A transport to a virtual authenticator (or a SoloKeys-style UDP device) over UDP. Every
 * datagram is exactly one 64-byte report in both directions; datagrams from other addresses are
 * ignored (the socket is connected to the device's address).
 *
 * @example
 * ```ts
 * const transport = await UdpHidTransport.connect('127.0.0.1', 8111);
 * const client = await Ctap2Client.open(transport);
 * ```
 */
export class UdpHidTransport implements HidTransport {
  /** The device's host. */
  readonly host: string;
  /** The device's port. */
  readonly port: number;
  private readonly socket: Socket;
  private readonly queue = new ReportQueue();
  private closed = false;

  private constructor(socket: Socket, host: string, port: number) {
    this.socket = socket;
    this.host = host;
    this.port = port;
    socket.on('message', (message: Buffer) => {
      // A datagram of another size is passed on as is: the channel rejects it as ERR_MALFORMED.
      this.queue.push(new Uint8Array(message));
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const refused = error.code === 'ECONNREFUSED';
      this.queue.fail(
        new CtapError(
          'ERR_TRANSPORT',
          refused
            ? `nothing answers at udp://${host}:${port} (is keyward-authenticator serve running?)`
            : `UDP socket error: ${error.message}`,
          { cause: error },
        ),
      );
    });
  }

  /**
   * Opens a UDP socket connected to a device at `host:port`.
   *
   * @param host - IP address or host name of the device (use loopback for a local virtual key).
   * @param port - UDP port.
   * @returns The transport.
   * @throws {@link CtapError} `ERR_INVALID_ARGUMENT` for a bad port, `ERR_TRANSPORT` when the socket fails.
   */
  static connect(host: string, port: number): Promise<UdpHidTransport> {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      return Promise.reject(new CtapError('ERR_INVALID_ARGUMENT', `UDP port must be 1 to 65535, got ${port}`));
    }
    if (typeof host !== 'string' || host === '') {
      return Promise.reject(new CtapError('ERR_INVALID_ARGUMENT', 'UDP host must be a non-empty string'));
    }
    const socket = createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => {
        socket.close();
        reject(
          new CtapError('ERR_TRANSPORT', `cannot reach udp://${host}:${port}: ${error.message}`, { cause: error }),
        );
      };
      socket.once('error', onError);
      socket.connect(port, host, () => {
        socket.off('error', onError);
        resolve(new UdpHidTransport(socket, host, port));
      });
    });
  }

  /**
   * Sends one 64-byte report as one datagram.
   *
   * @param report - The report.
   * @throws {@link CtapError} `ERR_INVALID_ARGUMENT` for another size, `ERR_CLOSED`, `ERR_TRANSPORT`.
   */
  send(report: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new CtapError('ERR_CLOSED', 'the UDP transport is closed'));
    if (report.length !== HID_REPORT_SIZE) {
      return Promise.reject(new CtapError('ERR_INVALID_ARGUMENT', `report of ${report.length} bytes, expected 64`));
    }
    return new Promise((resolve, reject) => {
      this.socket.send(report, (error) => {
        if (error) reject(new CtapError('ERR_TRANSPORT', `UDP send failed: ${error.message}`, { cause: error }));
        else resolve();
      });
    });
  }

  /**
   * Waits for the next datagram.
   *
   * @param timeoutMs - How long to wait.
   * @returns The report.
   * @throws {@link CtapError} `ERR_TIMEOUT`, `ERR_CLOSED`, `ERR_TRANSPORT`.
   */
  receive(timeoutMs: number): Promise<Uint8Array> {
    return this.queue.receive(timeoutMs);
  }

  /** Closes the socket. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.queue.close(new CtapError('ERR_CLOSED', 'the UDP transport is closed'));
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
