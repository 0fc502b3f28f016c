/** NodeHidTransport with an injected node-hid module: discovery, report-ID byte, permission advice. */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { isCtapError } from '../errors.ts';
import { type NodeHidDevice, type NodeHidModule, NodeHidTransport, udevRuleFor } from './node-hid.ts';

class FakeDevice extends EventEmitter implements NodeHidDevice {
  written: number[][] = [];
  closed = false;
  writeResult: number | undefined;
  async write(values: number[] | Uint8Array): Promise<number> {
    this.written.push([...values]);
    return this.writeResult ?? values.length;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

const FIDO = {
  path: '/dev/hidraw3',
  vendorId: 0x1050,
  productId: 0x0407,
  usagePage: 0xf1d0,
  usage: 1,
  product: 'YubiKey',
};
const KEYBOARD = { path: '/dev/hidraw0', vendorId: 0x046d, productId: 0xc31c, usagePage: 1, usage: 6 };

function fakeHid(
  devices: object[],
  open?: (path: string) => Promise<NodeHidDevice>,
): { hid: NodeHidModule; device: FakeDevice } {
  const device = new FakeDevice();
  const hid: NodeHidModule = {
    devicesAsync: async () => devices as Awaited<ReturnType<NodeHidModule['devicesAsync']>>,
    HIDAsync: { open: open ?? (async () => device) },
  };
  return { hid, device };
}

describe('NodeHidTransport', () => {
  it('lists only FIDO interfaces (usage page 0xF1D0), once each', async () => {
    const { hid } = fakeHid([KEYBOARD, FIDO, FIDO, { ...FIDO, path: undefined }]);
    expect(await NodeHidTransport.listDevices({ hid })).toEqual([
      { path: '/dev/hidraw3', vendorId: 0x1050, productId: 0x0407, product: 'YubiKey' },
    ]);
  });

  it('writes the report-ID byte 0x00 first and strips it from reads when present', async () => {
    const { hid, device } = fakeHid([FIDO]);
    const transport = await NodeHidTransport.open(undefined, { hid, platform: 'darwin' });
    const report = new Uint8Array(64).fill(7);
    await transport.send(report);
    expect(device.written[0]).toHaveLength(65);
    expect(device.written[0]?.[0]).toBe(0);
    expect(device.written[0]?.slice(1)).toEqual([...report]);
    device.emit('data', Buffer.from([0, ...new Uint8Array(64).fill(9)]));
    expect(await transport.receive(100)).toEqual(new Uint8Array(64).fill(9));
    device.emit('data', Buffer.from(new Uint8Array(64).fill(5)));
    expect(await transport.receive(100)).toEqual(new Uint8Array(64).fill(5));
    await expect(transport.receive(10)).rejects.toMatchObject({ code: 'ERR_TIMEOUT' });
    await expect(transport.send(new Uint8Array(10))).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    device.writeResult = 3;
    await expect(transport.send(report)).rejects.toMatchObject({ code: 'ERR_TRANSPORT' });
    const pending = transport.receive(1000);
    device.emit('error', new Error('device unplugged'));
    await expect(pending).rejects.toMatchObject({ code: 'ERR_TRANSPORT' });
    await transport.close();
    expect(device.closed).toBe(true);
    await expect(transport.send(report)).rejects.toMatchObject({ code: 'ERR_CLOSED' });
    await expect(transport.receive(10)).rejects.toMatchObject({ code: 'ERR_CLOSED' });
  });

  it('no key, or several without a path: ERR_NO_DEVICE', async () => {
    await expect(NodeHidTransport.open(undefined, { hid: fakeHid([]).hid })).rejects.toMatchObject({
      code: 'ERR_NO_DEVICE',
    });
    const two = fakeHid([FIDO, { ...FIDO, path: '/dev/hidraw4' }]).hid;
    await expect(NodeHidTransport.open(undefined, { hid: two })).rejects.toMatchObject({ code: 'ERR_NO_DEVICE' });
  });

  it('explains permission problems: the udev rule on Linux, elevation on Windows', async () => {
    const denied = fakeHid([FIDO], async () => {
      throw new Error('cannot open device with path /dev/hidraw3: Permission denied');
    }).hid;
    const linux = await NodeHidTransport.open('/nonexistent/hidraw3', { hid: denied, platform: 'linux' }).catch(
      (e: unknown) => e,
    );
    expect(isCtapError(linux) && linux.code).toBe('ERR_ACCESS_DENIED');
    expect((linux as Error).message).toContain('udevadm');
    const windows = fakeHid([FIDO], async () => {
      throw new Error('cannot open device');
    }).hid;
    const win = await NodeHidTransport.open('\\\\?\\hid#vid_1050', { hid: windows, platform: 'win32' }).catch(
      (e: unknown) => e,
    );
    expect(isCtapError(win) && win.code).toBe('ERR_ACCESS_DENIED');
    expect((win as Error).message).toContain('administrator');
    const other = fakeHid([FIDO], async () => {
      throw new Error('device busy');
    }).hid;
    await expect(NodeHidTransport.open('/x', { hid: other, platform: 'darwin' })).rejects.toMatchObject({
      code: 'ERR_TRANSPORT',
    });
  });

  it('enumeration failures are ERR_TRANSPORT; the real node-hid gives a list or our error', async () => {
    const broken: NodeHidModule = {
      devicesAsync: async () => {
        throw new Error('libusb missing');
      },
      HIDAsync: { open: async () => new FakeDevice() },
    };
    await expect(NodeHidTransport.listDevices({ hid: broken })).rejects.toMatchObject({ code: 'ERR_TRANSPORT' });
    try {
      expect(Array.isArray(await NodeHidTransport.listDevices())).toBe(true);
    } catch (error) {
      expect(isCtapError(error)).toBe(true);
      expect(['ERR_NO_DEVICE', 'ERR_TRANSPORT', 'ERR_ACCESS_DENIED']).toContain((error as { code: string }).code);
    }
  });

  it('builds a udev rule for a vendor and product', () => {
    expect(udevRuleFor(0x1050, 0x0407)).toContain('ATTRS{idVendor}=="1050", ATTRS{idProduct}=="0407"');
  });
});
