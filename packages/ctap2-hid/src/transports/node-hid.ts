/**
 * Real USB security keys through node-hid (an optional peer dependency, loaded only when used).
 * Discovery by the FIDO usage page 0xF1D0 (CTAP 2.1 §11.2.8.1); the report-ID byte 0x00 is
 * written first, as hidapi expects.
 */
import { access, constants } from 'node:fs/promises';
import { HID_REPORT_SIZE } from '../ctap2/constants.ts';
import { CtapError } from '../errors.ts';
import type { HidTransport } from '../hid/transport.ts';
import { ReportQueue } from './report-queue.ts';

/** The FIDO Alliance HID usage page (CTAP 2.1 §11.2.8.1). */
export const FIDO_USAGE_PAGE = 0xf1d0;

/** A FIDO device found by {@link NodeHidTransport.listDevices}. */
export interface FidoDeviceDescriptor {
  /** The OS path to pass to {@link NodeHidTransport.open}. */
  path: string;
  /** USB vendor ID. */
  vendorId: number;
  /** USB product ID. */
  productId: number;
  /** Manufacturer string, when the device gives one. */
  manufacturer?: string;
  /** Product string, when the device gives one. */
  product?: string;
  /** Serial number, when the device gives one. */
  serialNumber?: string;
}

/** The part of an open node-hid device this transport uses (node-hid's `HIDAsync`). */
export interface NodeHidDevice {
  /** Writes a report, report-ID byte first. */
  write(values: number[] | Uint8Array): Promise<number>;
  /** Closes the device. */
  close(): Promise<void>;
  /** Subscribes to `data`: one input report. */
  on(event: 'data', listener: (data: Uint8Array) => void): unknown;
  /** Subscribes to `error`: the device failed (unplugged). */
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** The part of the node-hid module this transport uses; inject one to test without USB. */
export interface NodeHidModule {
  /** Lists HID devices. */
  devicesAsync(): Promise<
    {
      path?: string | undefined;
      vendorId: number;
      productId: number;
      usagePage?: number | undefined;
      usage?: number | undefined;
      manufacturer?: string | undefined;
      product?: string | undefined;
      serialNumber?: string | undefined;
    }[]
  >;
  /** Opens a device by path. */
  HIDAsync: { open(path: string, options?: { nonExclusive?: boolean }): Promise<NodeHidDevice> };
}

/** Options of {@link NodeHidTransport.open} and {@link NodeHidTransport.listDevices}. */
export interface NodeHidOptions {
  /**
   * The node-hid module to use.
   *
   * @defaultValue `await import('node-hid')`
   */
  hid?: NodeHidModule;
  /**
   * The platform, for the advice in permission errors.
   *
   * @defaultValue `process.platform`
   */
  platform?: string;
}

async function loadNodeHid(options: NodeHidOptions): Promise<NodeHidModule> {
  if (options.hid) return options.hid;
  try {
    const specifier = 'node-hid';
    const mod = (await import(specifier)) as NodeHidModule & { default?: NodeHidModule };
    return mod.default ?? mod;
  } catch (cause) {
    throw new CtapError(
      'ERR_NO_DEVICE',
      'USB security keys need the optional package node-hid: run `npm install node-hid` (or use --udp for a virtual key)',
      { cause },
    );
  }
}

function hex4(value: number): string {
  return value.toString(16).padStart(4, '0');
}

/** The udev rule that gives the logged-in user access to one FIDO key (Linux). */
export function udevRuleFor(vendorId: number, productId: number): string {
  return `KERNEL=="hidraw*", SUBSYSTEM=="hidraw", ATTRS{idVendor}=="${hex4(vendorId)}", ATTRS{idProduct}=="${hex4(productId)}", TAG+="uaccess", MODE="0660", GROUP="plugdev"`;
}

function accessAdvice(platform: string, device: FidoDeviceDescriptor | undefined): string {
  if (platform === 'linux') {
    const rule = device ? udevRuleFor(device.vendorId, device.productId) : udevRuleFor(0x1050, 0x0407);
    return [
      'Linux refused access to the key (hidraw permissions). Add a udev rule, for example in',
      '/etc/udev/rules.d/70-fido.rules:',
      `  ${rule}`,
      'then run `sudo udevadm control --reload-rules && sudo udevadm trigger` and plug the key in again.',
    ].join('\n');
  }
  if (platform === 'win32') {
    return 'Windows allows raw access to FIDO security keys only to programs run as administrator (Windows 10 1903 and later): run this from an elevated prompt ("Run as administrator").';
  }
  if (platform === 'darwin') {
    return 'macOS refused access to the key: allow this terminal under System Settings → Privacy & Security → Input Monitoring.';
  }
  return 'The operating system refused access to the key: check the device permissions.';
}

/**
 * A USB FIDO key through node-hid. node-hid is an optional peer dependency: install it to use
 * this transport; it is loaded only when {@link NodeHidTransport.open} or
 * {@link NodeHidTransport.listDevices} runs.
 *
 * @example
 * ```ts
 * const [first] = await NodeHidTransport.listDevices();
 * if (first) {
 *   const client = await Ctap2Client.open(await NodeHidTransport.open(first.path));
 *   console.log(await client.getInfo());
 * }
 * ```
 */
export class NodeHidTransport implements HidTransport {
  /** The OS path of the device. */
  readonly path: string;
  private readonly device: NodeHidDevice;
  private readonly queue = new ReportQueue();
  private closed = false;

  private constructor(device: NodeHidDevice, path: string) {
    this.device = device;
    this.path = path;
    device.on('data', (data: Uint8Array) => {
      const bytes = new Uint8Array(data);
      // Some platforms hand the report ID back in front: drop it.
      this.queue.push(bytes.length === HID_REPORT_SIZE + 1 && bytes[0] === 0 ? bytes.subarray(1) : bytes);
    });
    device.on('error', (error: Error) => {
      this.queue.fail(new CtapError('ERR_TRANSPORT', `reading the key failed: ${error?.message}`, { cause: error }));
    });
  }

  /**
   * Lists the FIDO devices (usage page 0xF1D0) that are plugged in.
   *
   * @param options - An injected node-hid module.
   * @returns The devices, with their paths.
   * @throws {@link CtapError} `ERR_NO_DEVICE` when node-hid is not installed, `ERR_TRANSPORT`
   * when it cannot enumerate devices.
   */
  static async listDevices(options: NodeHidOptions = {}): Promise<FidoDeviceDescriptor[]> {
    const hid = await loadNodeHid(options);
    let devices: Awaited<ReturnType<NodeHidModule['devicesAsync']>>;
    try {
      devices = await hid.devicesAsync();
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      throw new CtapError(
        'ERR_TRANSPORT',
        `node-hid cannot list USB devices: ${message} (on Linux node-hid needs libudev or libusb-1.0 installed)`,
        { cause },
      );
    }
    const out: FidoDeviceDescriptor[] = [];
    for (const device of devices) {
      if (device.usagePage !== FIDO_USAGE_PAGE || !device.path) continue;
      if (out.some((seen) => seen.path === device.path)) continue;
      const descriptor: FidoDeviceDescriptor = {
        path: device.path,
        vendorId: device.vendorId,
        productId: device.productId,
      };
      if (device.manufacturer) descriptor.manufacturer = device.manufacturer;
      if (device.product) descriptor.product = device.product;
      if (device.serialNumber) descriptor.serialNumber = device.serialNumber;
      out.push(descriptor);
    }
    return out;
  }

  /**
   * Opens a FIDO device: the one at `path`, or the only one plugged in.
   *
   * @param path - A path from {@link NodeHidTransport.listDevices}.
   * @param options - An injected node-hid module, the platform for advice.
   * @returns The transport.
   * @throws {@link CtapError} `ERR_NO_DEVICE` (none, or several and no path), `ERR_ACCESS_DENIED`
   * with the udev rule (Linux) or elevation advice (Windows), `ERR_TRANSPORT`.
   */
  static async open(path?: string, options: NodeHidOptions = {}): Promise<NodeHidTransport> {
    const hid = await loadNodeHid(options);
    const platform = options.platform ?? process.platform;
    const devices = await NodeHidTransport.listDevices({ hid });
    let target = path;
    if (target === undefined) {
      if (devices.length === 0) throw new CtapError('ERR_NO_DEVICE', 'no FIDO security key is plugged in');
      if (devices.length > 1) {
        throw new CtapError(
          'ERR_NO_DEVICE',
          `${devices.length} FIDO security keys are plugged in: choose one by path (keyward-token list)`,
        );
      }
      target = (devices[0] as FidoDeviceDescriptor).path;
    }
    const descriptor = devices.find((device) => device.path === target);
    if (platform === 'linux' && target.startsWith('/dev/')) {
      try {
        await access(target, constants.R_OK | constants.W_OK);
      } catch (cause) {
        const code = (cause as NodeJS.ErrnoException).code;
        if (code === 'EACCES' || code === 'EPERM') {
          throw new CtapError('ERR_ACCESS_DENIED', accessAdvice(platform, descriptor), { cause });
        }
        if (code === 'ENOENT') throw new CtapError('ERR_NO_DEVICE', `no device at ${target}`, { cause });
      }
    }
    let device: NodeHidDevice;
    try {
      device = await hid.HIDAsync.open(target, { nonExclusive: true });
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      if (/access|denied|permission|privilege/i.test(message) || platform === 'win32') {
        throw new CtapError('ERR_ACCESS_DENIED', `${accessAdvice(platform, descriptor)}\n(${message})`, { cause });
      }
      throw new CtapError('ERR_TRANSPORT', `cannot open ${target}: ${message}`, { cause });
    }
    return new NodeHidTransport(device, target);
  }

  /**
   * Writes one report, prefixed with the report-ID byte 0x00.
   *
   * @param report - The 64-byte report.
   * @throws {@link CtapError} `ERR_INVALID_ARGUMENT`, `ERR_CLOSED`, `ERR_TRANSPORT`.
   */
  async send(report: Uint8Array): Promise<void> {
    if (this.closed) throw new CtapError('ERR_CLOSED', 'the USB transport is closed');
    if (report.length !== HID_REPORT_SIZE) {
      throw new CtapError('ERR_INVALID_ARGUMENT', `report of ${report.length} bytes, expected 64`);
    }
    // hidapi takes the report ID first; FIDO keys use report ID 0 (node-hid#187).
    const out = [0, ...report];
    let written: number;
    try {
      written = await this.device.write(out);
    } catch (cause) {
      throw new CtapError('ERR_TRANSPORT', `writing to the key failed: ${(cause as Error)?.message}`, { cause });
    }
    if (written < HID_REPORT_SIZE) {
      throw new CtapError('ERR_TRANSPORT', `the key took ${written} of ${out.length} bytes`);
    }
  }

  /**
   * Waits for the next report.
   *
   * @param timeoutMs - How long to wait.
   * @returns The 64-byte report.
   * @throws {@link CtapError} `ERR_TIMEOUT`, `ERR_CLOSED`, `ERR_TRANSPORT`.
   */
  receive(timeoutMs: number): Promise<Uint8Array> {
    return this.queue.receive(timeoutMs);
  }

  /** Closes the device. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.queue.close(new CtapError('ERR_CLOSED', 'the USB transport is closed'));
    await this.device.close().catch(() => undefined);
  }
}
