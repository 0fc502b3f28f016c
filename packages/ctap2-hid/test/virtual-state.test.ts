/** Saved state: export/restore, strict validation, and persistence before acknowledgement. */
import { afterEach, describe, expect, it } from 'vitest';
import { CTAP2_STATUS } from '../src/ctap2/constants.ts';
import type { VirtualAuthenticatorState } from '../src/virtual/state.ts';
import { VirtualAuthenticator, type VirtualAuthenticatorOptions } from '../src/virtual/virtual-authenticator.ts';
import { gaParams, mcParams, PinClient, parseAuthData, TestHost } from './virtual-host.ts';

const devices: VirtualAuthenticator[] = [];
async function setup(options: VirtualAuthenticatorOptions = {}): Promise<{ host: TestHost; cid: number }> {
  const device = new VirtualAuthenticator(options);
  devices.push(device);
  const host = new TestHost(device);
  return { host, cid: await host.init() };
}
afterEach(() => {
  for (const d of devices.splice(0)) d.close();
});

describe('exportState / fromState', () => {
  it('restores credentials, PIN, retries, counter and settings through JSON', async () => {
    const { host, cid } = await setup({ aaguid: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee' });
    const pin = new PinClient(host, cid);
    const made = await host.cbor(cid, 0x01, mcParams({ rk: true }));
    const counter = parseAuthData(made.body.get(2) as Uint8Array).signCount;
    await pin.setPin('1234');
    expect((await pin.token('0000')).status).toBe(CTAP2_STATUS.CTAP2_ERR_PIN_INVALID);
    const json = JSON.parse(JSON.stringify(host.device.exportState())) as unknown;
    const restored = VirtualAuthenticator.fromState(json);
    devices.push(restored);
    expect(restored.aaguid).toBe('aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee');
    const h2 = new TestHost(restored);
    const c2 = await h2.init();
    expect((await new PinClient(h2, c2).retries()).retries).toBe(7);
    const ga = await h2.cbor(c2, 0x02, gaParams({}));
    expect(ga.status).toBe(0);
    expect(parseAuthData(ga.body.get(2) as Uint8Array).signCount).toBe(counter + 1);
    expect([...restored.attestationRootCertificate]).toEqual([...host.device.attestationRootCertificate]);
  });

  it('refuses foreign states (ERR_STATE_FOREIGN) and damaged ones (ERR_STATE_CORRUPT)', async () => {
    const { host } = await setup();
    const good = host.device.exportState();
    const variants: [unknown, string][] = [
      [{ ...good, format: 'something-else' }, 'ERR_STATE_FOREIGN'],
      [{ ...good, version: 2 }, 'ERR_STATE_FOREIGN'],
      ['not an object', 'ERR_STATE_CORRUPT'],
      [null, 'ERR_STATE_CORRUPT'],
      [{ ...good, masterKey: 'not base64url!' }, 'ERR_STATE_CORRUPT'],
      [{ ...good, masterKey: 'AAAA' }, 'ERR_STATE_CORRUPT'],
      [{ ...good, pinRetries: 9 }, 'ERR_STATE_CORRUPT'],
      [{ ...good, aaguid: 'nope' }, 'ERR_STATE_CORRUPT'],
      [{ ...good, extra: 1 }, 'ERR_STATE_CORRUPT'],
      [{ ...good, credentials: [{ id: 'AA' }] }, 'ERR_STATE_CORRUPT'],
      [{ ...good, pin: { hash: 'AA', codePoints: 4 } }, 'ERR_STATE_CORRUPT'],
      [{ ...good, attestation: null }, 'ERR_STATE_CORRUPT'],
    ];
    for (const [state, code] of variants) {
      expect(() => VirtualAuthenticator.fromState(state), JSON.stringify(state)?.slice(0, 60)).toThrow(
        expect.objectContaining({ code }),
      );
    }
  });

  it('rejects out-of-range options with ERR_INVALID_OPTION', () => {
    const bad: VirtualAuthenticatorOptions[] = [
      { maxMsgSize: 10 },
      { minPinLength: 3 },
      { aaguid: 'not-a-uuid' },
      { algorithms: [] },
      { presenceTimeoutMs: 0 },
    ];
    for (const options of bad) {
      expect(() => new VirtualAuthenticator(options)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    }
  });

  it('hands every change to onStateChange before the answer leaves the device', async () => {
    const saved: VirtualAuthenticatorState[] = [];
    let savedWhenAnswered = -1;
    const device = new VirtualAuthenticator({ onStateChange: (s) => saved.push(s) });
    devices.push(device);
    const host = new TestHost({
      handleReport: (report: Uint8Array, reply: (r: Uint8Array) => void) =>
        device.handleReport(report, (r) => {
          savedWhenAnswered = saved.length;
          reply(r);
        }),
    });
    const cid = await host.init();
    await host.cbor(cid, 0x01, mcParams({ rk: true }));
    expect(savedWhenAnswered).toBeGreaterThan(0);
    expect(saved.at(-1)?.credentials.length).toBe(1);
    const before = saved.length;
    await host.cbor(cid, 0x04); // getInfo changes nothing
    expect(saved.length).toBe(before);
  });

  it('answers CTAP1_ERR_OTHER when the state cannot be saved', async () => {
    const { host, cid } = await setup({
      onStateChange: () => {
        throw new Error('disk full');
      },
    });
    expect((await host.cbor(cid, 0x01, mcParams({ rk: true }))).status).toBe(CTAP2_STATUS.CTAP1_ERR_OTHER);
    expect((await host.cbor(cid, 0x04)).status).toBe(0);
  });
});
