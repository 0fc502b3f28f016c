/** UdpHidTransport: argument checks, timeouts, closed sockets, nothing listening. */
import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { UdpHidTransport } from './udp.ts';

describe('UdpHidTransport', () => {
  it('refuses bad ports and hosts', async () => {
    await expect(UdpHidTransport.connect('127.0.0.1', 0)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(UdpHidTransport.connect('127.0.0.1', 70000)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(UdpHidTransport.connect('', 8111)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });

  it('exchanges datagrams with a peer, times out, and refuses use after close', async () => {
    const peer = createSocket('udp4');
    await new Promise<void>((resolve) => peer.bind(0, '127.0.0.1', resolve));
    peer.on('message', (message, remote) => peer.send(message, remote.port, remote.address));
    const transport = await UdpHidTransport.connect('127.0.0.1', peer.address().port);
    try {
      const report = new Uint8Array(64).fill(3);
      await transport.send(report);
      expect(await transport.receive(2000)).toEqual(report);
      await expect(transport.receive(20)).rejects.toMatchObject({ code: 'ERR_TIMEOUT' });
      await expect(transport.send(new Uint8Array(63))).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    } finally {
      await transport.close();
      peer.close();
    }
    await expect(transport.send(new Uint8Array(64))).rejects.toMatchObject({ code: 'ERR_CLOSED' });
    await expect(transport.receive(10)).rejects.toMatchObject({ code: 'ERR_CLOSED' });
    await transport.close();
  });

  it('nothing listening on loopback: ERR_TRANSPORT that names the address', async () => {
    const probe = createSocket('udp4');
    await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', resolve));
    const port = probe.address().port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const transport = await UdpHidTransport.connect('127.0.0.1', port);
    try {
      await transport.send(new Uint8Array(64));
      await expect(transport.receive(2000)).rejects.toMatchObject({ code: 'ERR_TRANSPORT' });
    } finally {
      await transport.close();
    }
  });
});
