/** Serves a {@link VirtualAuthenticator} over UDP: one datagram = one 64-byte HID report, each way. */
import { createSocket, type Socket } from 'node:dgram';
import { CtapError } from '../errors.ts';
import type { VirtualAuthenticator } from './virtual-authenticator.ts';

/** Options of {@link serveUdp}. */
export interface ServeUdpOptions {
  /**
   * Address to bind; keep it on loopback.
   * @defaultValue `'127.0.0.1'`
   */
  host?: string;
  /** Port to bind; `0` picks a free one. */
  port: number;
  /** The authenticator to serve. */
  authenticator: VirtualAuthenticator;
  /** Called once the socket listens, with the bound address. */
  onListening?: (address: { host: string; port: number }) => void;
}

/** A running UDP server. */
export interface UdpAuthenticatorServer {
  /** The bound address. */
  readonly address: { host: string; port: number };
  /** Closes the socket (the authenticator stays open). */
  close(): Promise<void>;
}

/**
 * Serves `authenticator` over UDP: each datagram received is one HID output report, and every
 * report the device answers with goes back to the datagram's sender as one datagram.
 *
 * @param options - Address, port and authenticator.
 * @returns The server, once it listens.
 * @throws {@link CtapError} `ERR_SOCKET` when the socket cannot be bound.
 * @example
 * ```ts
 * const server = await serveUdp({ port: 8111, authenticator: new VirtualAuthenticator() });
 * // … UdpHidTransport.connect('127.0.0.1', server.address.port) …
 * await server.close();
 * ```
 */
export function serveUdp(options: ServeUdpOptions): Promise<UdpAuthenticatorServer> {
  const host = options.host ?? '127.0.0.1';
  const socket: Socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  return new Promise((resolve, reject) => {
    const onError = (cause: Error): void => {
      socket.close();
      reject(
        new CtapError('ERR_SOCKET', `Cannot listen on UDP ${host}:${options.port}: ${cause.message}`, {
          cause,
        }),
      );
    };
    socket.once('error', onError);
    socket.on('message', (message, remote) => {
      const report = new Uint8Array(message.buffer, message.byteOffset, message.byteLength).slice();
      options.authenticator.handleReport(report, (answer) => {
        socket.send(answer, remote.port, remote.address, () => {
          // Undeliverable answers are dropped, as on a USB bus with nobody reading.
        });
      });
    });
    socket.bind(options.port, host, () => {
      socket.off('error', onError);
      socket.on('error', () => {
        // Per-datagram errors (ICMP unreachable) must not stop the server.
      });
      const bound = socket.address();
      const address = { host: bound.address, port: bound.port };
      options.onListening?.(address);
      resolve({
        address,
        close: () =>
          new Promise<void>((done) => {
            try {
              socket.close(() => done());
            } catch {
              done();
            }
          }),
      });
    });
  });
}
