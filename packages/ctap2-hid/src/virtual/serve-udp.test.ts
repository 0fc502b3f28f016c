import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { serveUdp } from './serve-udp.ts';
import { VirtualAuthenticator } from './virtual-authenticator.ts';

describe('serveUdp', () => {
  it('answers each datagram (one report) to its sender, and refuses a taken port with ERR_SOCKET', async () => {
    const authenticator = new VirtualAuthenticator();
    let announced = 0;
    const server = await serveUdp({ port: 0, authenticator, onListening: (a) => (announced = a.port) });
    expect(announced).toBe(server.address.port);
    const client = createSocket('udp4');
    const answer = new Promise<Uint8Array>((resolve) => client.once('message', (m) => resolve(new Uint8Array(m))));
    const init = new Uint8Array(64);
    init.set([0xff, 0xff, 0xff, 0xff, 0x86, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8]);
    client.send(init, server.address.port, '127.0.0.1');
    const report = await answer;
    expect(report.length).toBe(64);
    expect([...report.subarray(0, 5)]).toEqual([0xff, 0xff, 0xff, 0xff, 0x86]);
    expect([...report.subarray(7, 15)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    await expect(serveUdp({ port: server.address.port, authenticator })).rejects.toMatchObject({ code: 'ERR_SOCKET' });
    client.close();
    await server.close();
    authenticator.close();
  });
});
