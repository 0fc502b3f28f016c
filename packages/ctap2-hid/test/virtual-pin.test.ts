/** authenticatorClientPIN (protocols 1 and 2), lockout sequences, and pinUvAuthToken use. */
import { sha256 } from '@noble/hashes/sha2.js';
import { afterEach, describe, expect, it } from 'vitest';
import { CTAP2_STATUS, PIN_PERMISSION } from '../src/ctap2/constants.ts';
import { VirtualAuthenticator, type VirtualAuthenticatorOptions } from '../src/virtual/virtual-authenticator.ts';
import { gaParams, mcParams, PinClient, parseAuthData, TestHost } from './virtual-host.ts';

const S = CTAP2_STATUS;
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

for (const version of [2, 1] as const) {
  describe(`PIN/UV auth protocol ${version}`, () => {
    it('sets a PIN, reports it in getInfo, and refuses to set it again (PIN_AUTH_INVALID)', async () => {
      const { host, cid } = await setup();
      const pin = new PinClient(host, cid, version);
      expect(await pin.retries()).toEqual({ status: 0, retries: 8, powerCycle: false });
      expect(await pin.setPin('1234')).toBe(0);
      const info = await host.cbor(cid, 0x04);
      expect((info.body.get(4) as Map<string, boolean>).get('clientPin')).toBe(true);
      expect(await pin.setPin('5678')).toBe(S.CTAP2_ERR_PIN_AUTH_INVALID);
      const state = host.device.exportState();
      expect(state.pin?.codePoints).toBe(4);
    });

    it('applies the PIN policy: 4 code points minimum, 63 bytes maximum, exactly 64 padded bytes', async () => {
      const { host, cid } = await setup();
      const pin = new PinClient(host, cid, version);
      expect(await pin.setPin('123')).toBe(S.CTAP2_ERR_PIN_POLICY_VIOLATION);
      expect(await pin.setPin(new Uint8Array(64).fill(0x41))).toBe(S.CTAP2_ERR_PIN_POLICY_VIOLATION);
      expect(await pin.setPin('', new Uint8Array(48).fill(0x41))).toBe(S.CTAP1_ERR_INVALID_PARAMETER);
      expect(await pin.setPin(new Uint8Array([0xff, 0xfe, 0x41, 0x42]))).toBe(S.CTAP2_ERR_PIN_POLICY_VIOLATION);
      // Four code points in more than four bytes are fine (🔑 is one code point, 4 bytes).
      expect(await pin.setPin('🔑🔑🔑🔑')).toBe(0);
      expect(host.device.exportState().pin?.codePoints).toBe(4);
    });

    it('accepts a 63-byte PIN', async () => {
      const { host, cid } = await setup();
      expect(await new PinClient(host, cid, version).setPin('a'.repeat(63))).toBe(0);
    });

    it('gives a token for the right PIN and counts wrong ones: 3 in a row → PIN_AUTH_BLOCKED until power cycle', async () => {
      const { host, cid } = await setup();
      const pin = new PinClient(host, cid, version);
      await pin.setPin('1234');
      expect((await pin.token('1234')).status).toBe(0);
      expect((await pin.token('0000')).status).toBe(S.CTAP2_ERR_PIN_INVALID);
      expect((await pin.token('0000')).status).toBe(S.CTAP2_ERR_PIN_INVALID);
      expect((await pin.retries()).retries).toBe(6);
      expect((await pin.token('0000')).status).toBe(S.CTAP2_ERR_PIN_AUTH_BLOCKED);
      expect(await pin.retries()).toEqual({ status: 0, retries: 5, powerCycle: true });
      // Blocked: even the right PIN is refused, and costs nothing.
      expect((await pin.token('1234')).status).toBe(S.CTAP2_ERR_PIN_AUTH_BLOCKED);
      expect((await pin.retries()).retries).toBe(5);
      host.device.powerCycle();
      const cid2 = await host.init();
      const again = new PinClient(host, cid2, version);
      expect(await again.retries()).toEqual({ status: 0, retries: 5, powerCycle: false });
      expect((await again.token('1234')).status).toBe(0);
      expect((await again.retries()).retries).toBe(8);
    });

    it('blocks the PIN for good after 8 wrong attempts (PIN_BLOCKED), survives power cycles, and reset clears it', async () => {
      const { host } = await setup();
      let cid = await host.init();
      await new PinClient(host, cid, version).setPin('1234');
      const seen: number[] = [];
      for (let cycle = 0; cycle < 3; cycle++) {
        const pin = new PinClient(host, cid, version);
        for (let i = 0; i < 3; i++) {
          const { status } = await pin.token('9999');
          seen.push(status);
          if (status === S.CTAP2_ERR_PIN_BLOCKED) break;
        }
        host.device.powerCycle();
        cid = await host.init();
      }
      expect(seen).toEqual([
        S.CTAP2_ERR_PIN_INVALID,
        S.CTAP2_ERR_PIN_INVALID,
        S.CTAP2_ERR_PIN_AUTH_BLOCKED,
        S.CTAP2_ERR_PIN_INVALID,
        S.CTAP2_ERR_PIN_INVALID,
        S.CTAP2_ERR_PIN_AUTH_BLOCKED,
        S.CTAP2_ERR_PIN_INVALID,
        S.CTAP2_ERR_PIN_BLOCKED,
      ]);
      const pin = new PinClient(host, cid, version);
      expect(await pin.retries()).toMatchObject({ retries: 0 });
      expect((await pin.token('1234')).status).toBe(S.CTAP2_ERR_PIN_BLOCKED);
      expect(await pin.changePin('1234', '5678')).toBe(S.CTAP2_ERR_PIN_BLOCKED);
      // Persisted: a restart from the exported state is still blocked.
      const restored = VirtualAuthenticator.fromState(host.device.exportState());
      devices.push(restored);
      const restoredHost = new TestHost(restored);
      const rcid = await restoredHost.init();
      expect((await new PinClient(restoredHost, rcid, version).token('1234')).status).toBe(S.CTAP2_ERR_PIN_BLOCKED);
      expect((await host.cbor(cid, 0x07)).status).toBe(0);
      expect(await pin.retries()).toMatchObject({ retries: 8 });
      expect(await pin.setPin('4321')).toBe(0);
    });

    it('changes the PIN, invalidating tokens; refuses a wrong old PIN and a bad pinUvAuthParam', async () => {
      const { host, cid } = await setup();
      const pin = new PinClient(host, cid, version);
      expect(await pin.changePin('1234', '5678')).toBe(S.CTAP2_ERR_PIN_NOT_SET);
      await pin.setPin('1234');
      const before = await pin.token('1234');
      expect(await pin.changePin('0000', '5678')).toBe(S.CTAP2_ERR_PIN_INVALID);
      expect(await pin.changePin('1234', '56')).toBe(S.CTAP2_ERR_PIN_POLICY_VIOLATION);
      expect(await pin.changePin('1234', '5678')).toBe(0);
      expect((await pin.token('1234')).status).toBe(S.CTAP2_ERR_PIN_INVALID);
      const cdh = new Uint8Array(32).fill(3);
      const stale = await host.cbor(
        cid,
        0x01,
        mcParams({
          clientDataHash: cdh,
          pinUvAuthParam: before.platform.authenticate(before.token as Uint8Array, cdh),
          protocol: version,
        }),
      );
      expect(stale.status).toBe(S.CTAP2_ERR_PIN_AUTH_INVALID);
      expect((await pin.token('5678')).status).toBe(0);
      const { platform, shared } = await pin.session();
      const newPinEnc = platform.encrypt(shared, PinClient.pad('9999'));
      const pinHashEnc = platform.encrypt(shared, sha256(new TextEncoder().encode('5678')).slice(0, 16));
      const bad = await host.cbor(
        cid,
        0x06,
        new Map<number, unknown>([
          [1, version],
          [2, 4],
          [3, platform.publicKey()],
          [4, new Uint8Array(version === 1 ? 16 : 32)],
          [5, newPinEnc],
          [6, pinHashEnc],
        ]),
      );
      expect(bad.status).toBe(S.CTAP2_ERR_PIN_AUTH_INVALID);
    });

    it('uses a token for one makeCredential with UV, bound to its RP, then it is spent', async () => {
      const { host, cid } = await setup();
      const pin = new PinClient(host, cid, version);
      await pin.setPin('1234');
      const { token, platform } = await pin.token('1234', PIN_PERMISSION.mc | PIN_PERMISSION.ga, 'example.com');
      const cdh = new Uint8Array(32).fill(9);
      const param = platform.authenticate(token as Uint8Array, cdh);
      const made = await host.cbor(
        cid,
        0x01,
        mcParams({ rk: true, clientDataHash: cdh, pinUvAuthParam: param, protocol: version }),
      );
      expect(made.status).toBe(0);
      expect(parseAuthData(made.body.get(2) as Uint8Array).flags & 0x05).toBe(0x05);
      // Same token again: permissions were cleared after the ceremony.
      const reused = await host.cbor(
        cid,
        0x01,
        mcParams({ clientDataHash: cdh, pinUvAuthParam: param, protocol: version }),
      );
      expect(reused.status).toBe(S.CTAP2_ERR_PIN_AUTH_INVALID);
      // A fresh token bound to example.com cannot serve other.example.
      const bound = await pin.token('1234', PIN_PERMISSION.ga, 'example.com');
      const other = await host.cbor(
        cid,
        0x02,
        gaParams({
          rpId: 'other.example',
          clientDataHash: cdh,
          pinUvAuthParam: bound.platform.authenticate(bound.token as Uint8Array, cdh),
          protocol: version,
        }),
      );
      expect(other.status).toBe(S.CTAP2_ERR_PIN_AUTH_INVALID);
      // ...and a ga-only token cannot make credentials.
      const gaOnly = await pin.token('1234', PIN_PERMISSION.ga, 'example.com');
      const noMc = await host.cbor(
        cid,
        0x01,
        mcParams({
          clientDataHash: cdh,
          pinUvAuthParam: gaOnly.platform.authenticate(gaOnly.token as Uint8Array, cdh),
          protocol: version,
        }),
      );
      expect(noMc.status).toBe(S.CTAP2_ERR_PIN_AUTH_INVALID);
      // With UV the discoverable assertion carries the user's name.
      const ga = await host.cbor(
        cid,
        0x02,
        gaParams({
          clientDataHash: cdh,
          pinUvAuthParam: gaOnly.platform.authenticate(gaOnly.token as Uint8Array, cdh),
          protocol: version,
        }),
      );
      expect(ga.status).toBe(0);
      expect(parseAuthData(ga.body.get(2) as Uint8Array).flags & 0x04).toBe(0x04);
      expect((ga.body.get(4) as Map<string, unknown>).get('name')).toBe('alice');
    });
  });
}

describe('PIN-protected requests', () => {
  it('needs a pinUvAuthParam for discoverable credentials once a PIN is set (PUAT_REQUIRED), not for others', async () => {
    const { host, cid } = await setup();
    await new PinClient(host, cid).setPin('1234');
    expect((await host.cbor(cid, 0x01, mcParams({ rk: true }))).status).toBe(S.CTAP2_ERR_PUAT_REQUIRED);
    expect((await host.cbor(cid, 0x01, mcParams({}))).status).toBe(0);
  });

  it('keeps the token for a silent (up=false) assertion and spends it on the next one with a touch', async () => {
    const { host, cid } = await setup();
    const pin = new PinClient(host, cid);
    await pin.setPin('1234');
    const id = parseAuthData((await host.cbor(cid, 0x01, mcParams({}))).body.get(2) as Uint8Array)
      .credentialId as Uint8Array;
    const { token, platform } = await pin.token('1234', PIN_PERMISSION.ga, 'example.com');
    const cdh = new Uint8Array(32).fill(6);
    const param = platform.authenticate(token as Uint8Array, cdh);
    const silent = await host.cbor(
      cid,
      0x02,
      gaParams({ allow: [id], up: false, clientDataHash: cdh, pinUvAuthParam: param, protocol: 2 }),
    );
    expect(parseAuthData(silent.body.get(2) as Uint8Array).flags & 0x05).toBe(0x04);
    const touched = await host.cbor(
      cid,
      0x02,
      gaParams({ allow: [id], clientDataHash: cdh, pinUvAuthParam: param, protocol: 2 }),
    );
    expect(parseAuthData(touched.body.get(2) as Uint8Array).flags & 0x05).toBe(0x05);
    const spent = await host.cbor(
      cid,
      0x02,
      gaParams({ allow: [id], clientDataHash: cdh, pinUvAuthParam: param, protocol: 2 }),
    );
    expect(spent.status).toBe(S.CTAP2_ERR_PIN_AUTH_INVALID);
  });

  it('answers a zero-length pinUvAuthParam after a touch with PIN_NOT_SET or PIN_INVALID', async () => {
    const kinds: string[] = [];
    const { host, cid } = await setup({
      presence: ({ kind }) => {
        kinds.push(kind);
        return true;
      },
    });
    expect((await host.cbor(cid, 0x01, mcParams({ pinUvAuthParam: new Uint8Array(0), protocol: 2 }))).status).toBe(
      S.CTAP2_ERR_PIN_NOT_SET,
    );
    await new PinClient(host, cid).setPin('1234');
    expect((await host.cbor(cid, 0x02, gaParams({ pinUvAuthParam: new Uint8Array(0), protocol: 2 }))).status).toBe(
      S.CTAP2_ERR_PIN_INVALID,
    );
    expect(kinds).toEqual(['pinUvAuthProbe', 'pinUvAuthProbe']);
  });

  it('checks pinUvAuthProtocol: absent → MISSING_PARAMETER, unknown → INVALID_PARAMETER', async () => {
    const { host, cid } = await setup();
    expect((await host.cbor(cid, 0x01, mcParams({ pinUvAuthParam: new Uint8Array(32) }))).status).toBe(
      S.CTAP2_ERR_MISSING_PARAMETER,
    );
    expect((await host.cbor(cid, 0x01, mcParams({ pinUvAuthParam: new Uint8Array(32), protocol: 3 }))).status).toBe(
      S.CTAP1_ERR_INVALID_PARAMETER,
    );
    expect(
      (
        await host.cbor(
          cid,
          0x06,
          new Map<number, unknown>([
            [1, 7],
            [2, 2],
          ]),
        )
      ).status,
    ).toBe(S.CTAP1_ERR_INVALID_PARAMETER);
    expect((await host.cbor(cid, 0x06, new Map<number, unknown>([[1, 2]]))).status).toBe(S.CTAP2_ERR_MISSING_PARAMETER);
    expect(
      (
        await host.cbor(
          cid,
          0x06,
          new Map<number, unknown>([
            [1, 2],
            [2, 0x06],
          ]),
        )
      ).status,
    ).toBe(S.CTAP2_ERR_INVALID_SUBCOMMAND);
  });

  it('validates token requests: permissions with getPinToken, zero or unsupported permissions, mc without rpId', async () => {
    const { host, cid } = await setup();
    const pin = new PinClient(host, cid);
    expect((await pin.token('1234')).status).toBe(S.CTAP2_ERR_PIN_NOT_SET);
    await pin.setPin('1234');
    const { platform, shared } = await pin.session();
    const pinHashEnc = platform.encrypt(shared, sha256(new TextEncoder().encode('1234')).slice(0, 16));
    const base = (sub: number): Map<number, unknown> =>
      new Map<number, unknown>([
        [1, 2],
        [2, sub],
        [3, platform.publicKey()],
        [6, pinHashEnc],
      ]);
    const withPerm = base(5);
    withPerm.set(9, 3);
    expect((await host.cbor(cid, 0x06, withPerm)).status).toBe(S.CTAP1_ERR_INVALID_PARAMETER);
    const zero = base(9);
    zero.set(9, 0);
    expect((await host.cbor(cid, 0x06, zero)).status).toBe(S.CTAP1_ERR_INVALID_PARAMETER);
    const bio = base(9);
    bio.set(9, PIN_PERMISSION.be);
    expect((await host.cbor(cid, 0x06, bio)).status).toBe(S.CTAP2_ERR_UNAUTHORIZED_PERMISSION);
    const noRp = base(9);
    noRp.set(9, PIN_PERMISSION.mc);
    expect((await host.cbor(cid, 0x06, noRp)).status).toBe(S.CTAP2_ERR_MISSING_PARAMETER);
    expect((await host.cbor(cid, 0x06, base(9))).status).toBe(S.CTAP2_ERR_MISSING_PARAMETER);
    const badKey = base(9);
    badKey.set(9, PIN_PERMISSION.cm);
    badKey.set(
      3,
      new Map<number, unknown>([
        [1, 2],
        [3, -25],
        [-1, 1],
        [-2, new Uint8Array(32)],
        [-3, new Uint8Array(32)],
      ]),
    );
    expect((await host.cbor(cid, 0x06, badKey)).status).toBe(S.CTAP1_ERR_INVALID_PARAMETER);
    // None of these cost a retry.
    expect((await pin.retries()).retries).toBe(8);
  });
});
