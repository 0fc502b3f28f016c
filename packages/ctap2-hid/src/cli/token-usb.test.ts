/** keyward-token with several USB keys (node-hid injected, each backed by a VirtualAuthenticator): touch to choose. */
import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { NodeHidDevice, NodeHidModule } from '../transports/node-hid.ts';
import { delayPresence } from '../virtual/presence.ts';
import { VirtualAuthenticator } from '../virtual/virtual-authenticator.ts';
import { openUsb, runTokenCli } from './token-main.ts';

class UsbKey extends EventEmitter implements NodeHidDevice {
  readonly key: VirtualAuthenticator;
  constructor(key: VirtualAuthenticator) {
    super();
    this.key = key;
  }
  async write(values: number[] | Uint8Array): Promise<number> {
    const bytes = Uint8Array.from(values);
    expect(bytes[0]).toBe(0); // the report-ID byte comes first
    this.key.handleReport(bytes.subarray(1), (answer) => this.emit('data', Buffer.from(answer)));
    return bytes.length;
  }
  async close(): Promise<void> {}
}

function usb(keys: VirtualAuthenticator[]): NodeHidModule {
  return {
    devicesAsync: async () =>
      keys.map((_, i) => ({ path: `/dev/hidraw${i}`, vendorId: 0x1234, productId: i, usagePage: 0xf1d0, usage: 1 })),
    HIDAsync: { open: async (path: string) => new UsbKey(keys[Number(path.slice(11))] as VirtualAuthenticator) },
  };
}

async function run(hid: NodeHidModule, argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io = {
    stdin: Readable.from([]),
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
  };
  const code = await runTokenCli(argv, io, (options, streams) =>
    openUsb(options, streams, { hid, platform: 'darwin' }),
  );
  return { code, stdout, stderr };
}

describe('keyward-token with USB keys', () => {
  it('uses the only key, a key by --device path, or the key the user touches', async () => {
    const untouched = new VirtualAuthenticator({ presence: delayPresence(0, 'never') });
    const touched = new VirtualAuthenticator({ presence: delayPresence(50) });
    const single = await run(usb([touched]), ['--json', 'info']);
    expect(JSON.parse(single.stdout), single.stdout).toMatchObject({ aaguid: touched.aaguid });
    const byPath = await run(usb([untouched, touched]), ['--device', '/dev/hidraw1', 'wink']);
    expect(byPath.code).toBe(0);
    let winks = 0;
    const winking = new VirtualAuthenticator({ presence: delayPresence(50), onWink: () => winks++ });
    const chosen = await run(usb([untouched, winking]), ['wink']);
    expect(chosen.code).toBe(0);
    expect(chosen.stderr).toContain('touch the one to use');
    expect(winks).toBe(1);
    const none = await run(usb([]), ['info']);
    expect(none.code).toBe(3);
  });
});
