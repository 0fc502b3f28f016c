/** CTAP1/U2F over CTAPHID_MSG (FIDO U2F Raw Message Formats v1.2). */

import { concatBytes, randomBytes } from '@keyward/internal';
import { p256 } from '@noble/curves/nist.js';
import { afterEach, describe, expect, it } from 'vitest';
import { CTAPHID_CMD, U2F } from '../src/ctap2/constants.ts';
import { denyPresence } from '../src/virtual/presence.ts';
import { VirtualAuthenticator, type VirtualAuthenticatorOptions } from '../src/virtual/virtual-authenticator.ts';
import { gaParams, rpHash, TestHost } from './virtual-host.ts';

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

/** Extended-length APDU: CLA INS P1 P2 00 Lc1 Lc2 data 00 00 (as python-fido2 sends it). */
function apdu(ins: number, p1: number, data: Uint8Array, cla = 0): Uint8Array {
  return concatBytes(
    new Uint8Array([cla, ins, p1, 0, 0, data.length >> 8, data.length & 0xff]),
    data,
    new Uint8Array([0, 0]),
  );
}

async function msg(host: TestHost, cid: number, request: Uint8Array): Promise<{ sw: number; data: Uint8Array }> {
  const answer = await host.transact(cid, CTAPHID_CMD.MSG, request);
  expect(answer.cmd).toBe(CTAPHID_CMD.MSG);
  const p = answer.payload;
  return { sw: ((p[p.length - 2] as number) << 8) | (p[p.length - 1] as number), data: p.slice(0, p.length - 2) };
}

async function registerU2f(host: TestHost, cid: number, appId: Uint8Array) {
  const r = await msg(host, cid, apdu(U2F.INS_REGISTER, 0x03, concatBytes(randomBytes(32), appId)));
  expect(r.sw).toBe(U2F.SW_NO_ERROR);
  const publicKey = r.data.slice(1, 66);
  const keyHandle = r.data.slice(67, 67 + (r.data[66] as number));
  return { publicKey, keyHandle };
}

describe('U2F over CTAPHID_MSG', () => {
  it('answers VERSION with U2F_V2, in short and extended encodings', async () => {
    const { host, cid } = await setup();
    for (const request of [
      new Uint8Array([0, 3, 0, 0]),
      new Uint8Array([0, 3, 0, 0, 0]),
      apdu(U2F.INS_VERSION, 0, new Uint8Array(0)),
    ]) {
      const r = await msg(host, cid, request);
      expect(r.sw).toBe(U2F.SW_NO_ERROR);
      expect(new TextDecoder().decode(r.data)).toBe('U2F_V2');
    }
    expect((await msg(host, cid, apdu(U2F.INS_VERSION, 0, new Uint8Array([1])))).sw).toBe(U2F.SW_WRONG_LENGTH);
  });

  it('registers and authenticates with enforce, check-only and dont-enforce, signatures verifying', async () => {
    const { host, cid } = await setup();
    const appId = rpHash('https://u2f.example');
    const { publicKey, keyHandle } = await registerU2f(host, cid, appId);
    const challenge = randomBytes(32);
    const data = concatBytes(challenge, appId, new Uint8Array([keyHandle.length]), keyHandle);
    expect((await msg(host, cid, apdu(U2F.INS_AUTHENTICATE, U2F.AUTH_CHECK_ONLY, data))).sw).toBe(
      U2F.SW_CONDITIONS_NOT_SATISFIED,
    );
    const counters: number[] = [];
    for (const [p1, presence] of [
      [U2F.AUTH_ENFORCE, 1],
      [U2F.AUTH_DONT_ENFORCE, 0],
    ] as const) {
      const r = await msg(host, cid, apdu(U2F.INS_AUTHENTICATE, p1, data));
      expect(r.sw).toBe(U2F.SW_NO_ERROR);
      expect(r.data[0]).toBe(presence);
      const counter = r.data.slice(1, 5);
      counters.push(new DataView(counter.buffer).getUint32(0));
      const signed = concatBytes(appId, r.data.slice(0, 1), counter, challenge);
      expect(p256.verify(r.data.slice(5), signed, publicKey, { format: 'der' })).toBe(true);
    }
    expect(counters[1]).toBe((counters[0] as number) + 1);
    // The U2F credential also works through CTAP2 with rpId = appId (the appid extension path).
  });

  it('answers WRONG_DATA for a key handle of another application or not ours', async () => {
    const { host, cid } = await setup();
    const appId = rpHash('https://u2f.example');
    const { keyHandle } = await registerU2f(host, cid, appId);
    const other = concatBytes(
      randomBytes(32),
      rpHash('https://evil.example'),
      new Uint8Array([keyHandle.length]),
      keyHandle,
    );
    expect((await msg(host, cid, apdu(U2F.INS_AUTHENTICATE, U2F.AUTH_CHECK_ONLY, other))).sw).toBe(U2F.SW_WRONG_DATA);
    const junk = concatBytes(randomBytes(32), appId, new Uint8Array([16]), randomBytes(16));
    expect((await msg(host, cid, apdu(U2F.INS_AUTHENTICATE, U2F.AUTH_ENFORCE, junk))).sw).toBe(U2F.SW_WRONG_DATA);
  });

  it('answers WRONG_LENGTH, CLA_NOT_SUPPORTED and INS_NOT_SUPPORTED to malformed APDUs', async () => {
    const { host, cid } = await setup();
    expect((await msg(host, cid, new Uint8Array([0, 1, 0]))).sw).toBe(U2F.SW_WRONG_LENGTH);
    expect((await msg(host, cid, apdu(U2F.INS_REGISTER, 0, new Uint8Array(63)))).sw).toBe(U2F.SW_WRONG_LENGTH);
    expect(await msg(host, cid, concatBytes(new Uint8Array([0, 1, 0, 0, 0, 0, 70]), new Uint8Array(10)))).toMatchObject(
      {
        sw: U2F.SW_WRONG_LENGTH,
      },
    );
    expect((await msg(host, cid, apdu(U2F.INS_AUTHENTICATE, 3, new Uint8Array(66)))).sw).toBe(U2F.SW_WRONG_LENGTH);
    expect((await msg(host, cid, apdu(U2F.INS_VERSION, 0, new Uint8Array(0), 0x80))).sw).toBe(U2F.SW_CLA_NOT_SUPPORTED);
    expect((await msg(host, cid, apdu(0x40, 0, new Uint8Array(0)))).sw).toBe(U2F.SW_INS_NOT_SUPPORTED);
  });

  it('answers CONDITIONS_NOT_SATISFIED until the user touches, then succeeds on the retry', async () => {
    let release: (v: boolean) => void = () => {};
    let asked = 0;
    const { host, cid } = await setup({
      presence: () => {
        asked++;
        return new Promise<boolean>((r) => (release = r));
      },
    });
    const request = apdu(U2F.INS_REGISTER, 0x03, concatBytes(randomBytes(32), rpHash('https://u2f.example')));
    expect((await msg(host, cid, request)).sw).toBe(U2F.SW_CONDITIONS_NOT_SATISFIED);
    expect((await msg(host, cid, request)).sw).toBe(U2F.SW_CONDITIONS_NOT_SATISFIED);
    expect(asked).toBe(1);
    release(true);
    await new Promise((r) => setImmediate(r));
    expect((await msg(host, cid, request)).sw).toBe(U2F.SW_NO_ERROR);
    // The touch was used up.
    expect((await msg(host, cid, request)).sw).toBe(U2F.SW_CONDITIONS_NOT_SATISFIED);
  });

  it('never registers when the user refuses', async () => {
    const { host, cid } = await setup({ presence: denyPresence() });
    const request = apdu(U2F.INS_REGISTER, 0x03, concatBytes(randomBytes(32), rpHash('https://u2f.example')));
    expect((await msg(host, cid, request)).sw).toBe(U2F.SW_CONDITIONS_NOT_SATISFIED);
  });

  it('lets a U2F credential sign through CTAP2 getAssertion when rpId hashes to the appId', async () => {
    const { host, cid } = await setup();
    const { keyHandle } = await registerU2f(host, cid, rpHash('u2f.example'));
    expect((await host.cbor(cid, 0x02, gaParams({ rpId: 'u2f.example', allow: [keyHandle] }))).status).toBe(0);
  });

  it('refuses U2F with SW_COMMAND_NOT_ALLOWED while alwaysUv is on, and after reset old key handles are gone', async () => {
    const { host, cid } = await setup();
    const appId = rpHash('https://u2f.example');
    const { keyHandle } = await registerU2f(host, cid, appId);
    expect((await host.cbor(cid, 0x0d, new Map([[1, 2]]))).status).toBe(0);
    const request = apdu(U2F.INS_REGISTER, 0x03, concatBytes(randomBytes(32), appId));
    expect((await msg(host, cid, request)).sw).toBe(0x6986);
    expect((await host.cbor(cid, 0x07)).status).toBe(0);
    const data = concatBytes(randomBytes(32), appId, new Uint8Array([keyHandle.length]), keyHandle);
    expect((await msg(host, cid, apdu(U2F.INS_AUTHENTICATE, U2F.AUTH_CHECK_ONLY, data))).sw).toBe(U2F.SW_WRONG_DATA);
  });
});
